// What the global setup provides to every test file (vitest's typed inject).
declare module "vitest" {
  export interface ProvidedContext {
    /** a Postgres server URL on which each test file creates its own database */
    pgServerUrl: string;
  }
}

export {};
