// Contact details as pages reached by a link show them: enough for the owner to recognise
// them, not enough for whoever else holds the link (a forwarded e-mail) to learn them.

/** `jane@example.com` → `j•••@example.com`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${address[0]}•••${address.slice(at)}`;
}

/** `+15551234567` → `•••• 4567`. */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, "");
  return digits.length > 4 ? `•••• ${digits.slice(-4)}` : "••••";
}
