/** @jsxImportSource hono/jsx */
// The Communication pages' own row of links (profiles, one-time messages, templates, files), so
// the top navigation stays short: the layout shows it on each of those pages.

export type CommunicationPage = "profiles" | "messages" | "templates" | "files";

const PAGES: [CommunicationPage, string, string][] = [
  ["profiles", "/profiles", "Profiles"],
  ["messages", "/messages", "Messages"],
  ["templates", "/templates", "Templates"],
  ["files", "/files", "Files"],
];

export function CommunicationNav({ current }: { current: CommunicationPage }) {
  return (
    <nav class="communication-nav" aria-label="Communication">
      <ul>
        {PAGES.map(([page, href, label]) => (
          <li>
            <a href={href} aria-current={page === current ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
