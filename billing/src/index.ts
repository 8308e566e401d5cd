export * from "./aggregate-intervals.ts";
export * from "./bill-run.ts";
export * from "./bill-run-xlsx.ts";
export * from "./commands.ts";
export * from "./invoice-pdf.ts";
export * from "./invoice-store.ts";
export * from "./pod-import.ts";
export * from "./seed-demo.ts";
