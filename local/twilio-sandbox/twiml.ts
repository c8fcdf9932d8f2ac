const MESSAGE_VERB = /<Message\b[^>]*?(?:\/>|>([\s\S]*?)<\/Message>)/g;
const BODY_NOUN = /<Body\b[^>]*>([\s\S]*?)<\/Body>/;

/** Bodies of the <Message> verbs in a TwiML response (both `<Message>text` and `<Message><Body>text`). */
export function messageBodies(twiml: string): string[] {
  const bodies: string[] = [];
  for (const match of twiml.matchAll(MESSAGE_VERB)) {
    const inner = match[1] ?? "";
    const body = BODY_NOUN.exec(inner)?.[1] ?? inner.replace(/<Media\b[\s\S]*?(?:\/>|<\/Media>)/g, "");
    const text = unescapeXml(stripCdata(body)).trim();
    if (text) bodies.push(text);
  }
  return bodies;
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1");
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}
