/**
 * The shared allocation model (`@c4e/domain/allocation`): integer splits that sum exactly, capped
 * proportional splits with redistribution, and share bases (consumption, area, equal, ratio).
 */
export * from "./errors.ts";
export * from "./largest-remainder.ts";
export * from "./capped-proportional.ts";
export * from "./shares.ts";
