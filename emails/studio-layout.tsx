/** @jsxImportSource react */
// The studio's e-mail layout (SPEC §6 T2): header, the staff-written body, and the footer every
// marketing e-mail must carry (postal address, unsubscribe and preferences links, SPEC §9 L1/L5).
// Link hrefs are placeholder tokens so the layout is rendered once and filled per recipient (T6).
import { Body } from "@react-email/body";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Img } from "@react-email/img";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import { Fragment } from "react";
import { languageOf, t } from "../src/core/i18n/translate.ts";

export type StudioBranding = {
  name: string;
  postalAddress: string;
  phone?: string | null;
  website?: string | null;
  brandColor?: string | null;
  logoUrl?: string | null;
};

export type StudioLayoutProps = {
  studio: StudioBranding;
  /** Sanitised body HTML; inserted verbatim. */
  bodyHtml: string;
  preheader?: string;
  /** The recipient's language: the `lang` attribute and the footer's own words. */
  lang?: string;
  /** Per-recipient link hrefs; the placeholder tokens unless a renderer swaps in its own stand-ins. */
  /** null for an e-mail to an address with no customer behind it (a test send): no personal links. */
  links?: LayoutLinks | null;
};

/**
 * `unsubscribe` is left out of a service e-mail (an appointment reminder): its one-click link
 * would stop marketing, which is not what that e-mail is, so it offers the preferences instead.
 */
export type LayoutLinks = { unsubscribe?: string; preferences: string; viewInBrowser: string };

export const LINK_TOKENS: LayoutLinks = {
  unsubscribe: "{{links.unsubscribe_link}}",
  preferences: "{{links.preferences_link}}",
  viewInBrowser: "{{links.view_in_browser_link}}",
};

const DEFAULT_BRAND = "#2f6fdf";
const TEXT = "#1f2328";
const MUTED = "#57606a";
const PAGE = "#f4f5f7";

function brandOf(color: string | null | undefined): string {
  return color && /^#[0-9a-fA-F]{6}$/.test(color) ? color : DEFAULT_BRAND;
}

/** White or near-black, whichever reads better on the brand colour (WCAG relative luminance). */
function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#ffffff" : TEXT;
}

/** A link colour that stays readable on white: the brand colour unless it is too light. */
function linkColor(brand: string): string {
  return textOn(brand) === "#ffffff" ? brand : TEXT;
}

function websiteLabel(url: string): string {
  return url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
}

/** Defaults for the staff-written body, for the clients that honour a <style> block. */
function bodyCss(link: string): string {
  return [
    `.pigeon-body a{color:${link}}`,
    ".pigeon-body h1,.pigeon-body h2,.pigeon-body h3{line-height:1.25;margin:0 0 16px}",
    ".pigeon-body blockquote{margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:#57606a}",
    ".pigeon-body img{max-width:100%;height:auto}",
    ".pigeon-body table{border-collapse:collapse}",
    ".pigeon-body th,.pigeon-body td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}",
  ].join("");
}

/** The colour of links in the body for a studio's brand colour, also written inline on each link (body.ts). */
export function layoutLinkColor(brandColor: string | null | undefined): string {
  return linkColor(brandOf(brandColor));
}

/** The studio's frame around a sanitised body: header, body, footer with address and opt-out links. */
export function StudioLayout({ studio, bodyHtml, preheader, lang = "en", links = LINK_TOKENS }: StudioLayoutProps) {
  const brand = brandOf(studio.brandColor);
  const onBrand = textOn(brand);
  const link = linkColor(brand);
  const addressLines = studio.postalAddress
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const footerText = { color: MUTED, fontSize: "13px", lineHeight: "20px", margin: "0 0 4px" };
  const footerLink = { color: MUTED, textDecoration: "underline" };
  const words = languageOf(lang) ?? "en";

  return (
    <Html lang={lang} dir="ltr">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <title>{studio.name}</title>
        <style>{bodyCss(link)}</style>
      </Head>
      {preheader ? <Preview>{preheader}</Preview> : null}
      <Body style={{ backgroundColor: PAGE, margin: 0, padding: "16px 0", fontFamily: "Helvetica, Arial, sans-serif" }}>
        <Container style={{ maxWidth: "600px", width: "100%", backgroundColor: "#ffffff" }}>
          {links ? (
            <Section style={{ padding: "8px 24px", backgroundColor: PAGE }}>
              <Text style={{ margin: 0, fontSize: "12px", lineHeight: "18px", textAlign: "right", color: MUTED }}>
                <Link href={links.viewInBrowser} style={footerLink}>
                  {t(words, "email.viewInBrowser")}
                </Link>
              </Text>
            </Section>
          ) : null}
          <Section style={{ backgroundColor: brand, padding: "20px 24px" }}>
            {studio.logoUrl ? (
              <Img
                src={studio.logoUrl}
                alt={studio.name}
                height="48"
                style={{ height: "48px", width: "auto", maxWidth: "100%" }}
              />
            ) : (
              <Text style={{ margin: 0, fontSize: "22px", lineHeight: "28px", fontWeight: 700, color: onBrand }}>
                {studio.name}
              </Text>
            )}
          </Section>
          <Section style={{ padding: "24px", color: TEXT, fontSize: "16px", lineHeight: "24px" }}>
            <div
              className="pigeon-body"
              // A long bare URL (a gallery link) must wrap on a phone instead of widening the e-mail.
              style={{
                color: TEXT,
                fontSize: "16px",
                lineHeight: "24px",
                wordBreak: "break-word",
                overflowWrap: "anywhere",
              }}
              dangerouslySetInnerHTML={{ __html: bodyHtml }}
            />
          </Section>
          <Hr style={{ borderTop: "1px solid #d0d7de", margin: 0 }} />
          <Section style={{ padding: "20px 24px", backgroundColor: "#ffffff" }}>
            <Text style={{ ...footerText, fontWeight: 700, color: TEXT }}>{studio.name}</Text>
            <Text style={footerText}>
              {addressLines.map((line, i) => (
                <Fragment key={i}>
                  {i > 0 ? <br /> : null}
                  {line}
                </Fragment>
              ))}
            </Text>
            {studio.phone ? (
              <Text style={footerText}>
                <Link href={`tel:${studio.phone.replace(/[^+\d]/g, "")}`} style={{ ...footerLink, color: link }}>
                  {studio.phone}
                </Link>
              </Text>
            ) : null}
            {studio.website ? (
              <Text style={footerText}>
                <Link href={studio.website} style={{ ...footerLink, color: link }}>
                  {websiteLabel(studio.website)}
                </Link>
              </Text>
            ) : null}
            {links ? (
              <Text style={{ ...footerText, marginTop: "12px" }}>
                {links.unsubscribe ? (
                  <>
                    <Link href={links.unsubscribe} style={footerLink}>
                      {t(words, "email.unsubscribe")}
                    </Link>
                    {" · "}
                  </>
                ) : null}
                <Link href={links.preferences} style={footerLink}>
                  {t(words, "email.preferences")}
                </Link>
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export default StudioLayout;
