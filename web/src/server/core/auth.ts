import { cookies } from "next/headers";
import { getServerContext } from "./context.ts";
import { AppError } from "./errors.ts";
import { readSession, type Session } from "./session.ts";

/** `__Host-` cookies must be Secure, host-only and path=/; plain name over http (local development). */
export function sessionCookieName(webOrigin: string): string {
  return webOrigin.startsWith("https:") ? "__Host-c4e_session" : "c4e_session";
}

/** The session of the current request (server components and route handlers), or null. */
export async function getSession(): Promise<Session | null> {
  const { config, db } = getServerContext();
  const jar = await cookies();
  return readSession(db, jar.get(sessionCookieName(config.webOrigin))?.value);
}

/** The raw session token of the current request, if any. */
export async function getSessionToken(): Promise<string | undefined> {
  const { config } = getServerContext();
  return (await cookies()).get(sessionCookieName(config.webOrigin))?.value;
}

export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const { config } = getServerContext();
  (await cookies()).set(sessionCookieName(config.webOrigin), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: config.webOrigin.startsWith("https:"),
    path: "/",
    expires: expiresAt,
  });
}

export async function clearSessionCookie(): Promise<void> {
  const { config } = getServerContext();
  (await cookies()).set(sessionCookieName(config.webOrigin), "", {
    httpOnly: true,
    sameSite: "lax",
    secure: config.webOrigin.startsWith("https:"),
    path: "/",
    maxAge: 0,
  });
}

/**
 * Refuses state-changing requests sent from another origin (defence in depth next to SameSite=Lax):
 * browsers send `Origin` on every POST.
 */
export function assertSameOrigin(request: Request): void {
  const { config } = getServerContext();
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== config.webOrigin) throw new AppError("forbidden", "cross-origin request");
}
