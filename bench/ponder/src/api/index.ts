// Ponder requires an API file; the benchmark only uses the built-in /ready endpoint.
import { Hono } from "hono";

const app = new Hono();
export default app;
