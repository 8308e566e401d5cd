import type { z } from "zod";
import { AppError, errorResponse } from "./errors.ts";

/** Runs a GET handler body: its value as JSON (no-store), an error through the one status table. */
export async function jsonRoute(fn: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await fn(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Runs a GET handler body that yields a file: sent as an attachment (no-store; the name cut down to
 * `A-Za-z0-9._-`), an error through the one status table.
 */
export async function fileRoute(
  contentType: string,
  fn: () => Promise<{ fileName: string; body: Uint8Array }>,
): Promise<Response> {
  try {
    const { fileName, body } = await fn();
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": contentType,
        "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Parses a request's query string with a zod schema; `bad_request` naming the fields otherwise. */
export function parseQuery<S extends z.ZodType>(schema: S, request: Request): z.infer<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "query"))].join(", ");
    throw new AppError("bad_request", `invalid query: ${fields}`);
  }
  return parsed.data;
}
