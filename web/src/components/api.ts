"use client";

/** A failed API call, with the HTTP status and the server's error code. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason?: string,
  ) {
    super(`${status} ${code}${reason ? ` (${reason})` : ""}`);
  }
}

/** fetch + JSON for the app's own API routes (same origin, cookies included). */
export async function apiFetch<T>(
  path: string,
  init?: { method?: "GET" | "POST"; body?: unknown },
): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? "GET",
    credentials: "same-origin",
    cache: "no-store",
    headers: init?.body === undefined ? {} : { "content-type": "application/json" },
    ...(init?.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
  if (!res.ok) throw new ApiError(res.status, data.error ?? "error", data.reason);
  return data as T;
}
