import type { ReactNode } from "react";

/** The frame of the community pages: title bar, and a notice instead of the page when not allowed. */
export async function CommunityShell({
  access,
  title,
  children,
}: {
  access: "ok" | "sign-in" | "forbidden";
  title: string;
  children: () => Promise<ReactNode> | ReactNode;
}) {
  return (
    <main className="admin-main" data-testid="community-page">
      <header className="page-title">
        <h1>{title}</h1>
        <nav aria-label="Community">
          <a href="/community">Communities</a> · <a href="/community/resident">My unit</a>
        </nav>
      </header>
      {access === "sign-in" ? (
        <p role="status">Sign in on the start page first.</p>
      ) : access === "forbidden" ? (
        <p role="status" className="error">
          Your role may not see this page.
        </p>
      ) : (
        await children()
      )}
    </main>
  );
}
