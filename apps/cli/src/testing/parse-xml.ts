/** An element of a parsed XML document. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ENTITY = /&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;

function checkText(text: string, at: number): void {
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`XML: bare "&" near offset ${at}`);
}

/**
 * A strict parser for the XML subset SVG renderers write (declaration, comments, elements, quoted
 * attributes, text with the predefined entities); throws on anything that is not well-formed, so tests can
 * prove a file is a real document and inspect its tree.
 */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  const skipTo = (marker: string): void => {
    const end = text.indexOf(marker, pos);
    if (end < 0) throw new Error(`XML: missing "${marker}" after offset ${pos}`);
    pos = end + marker.length;
  };
  const skipMisc = (): void => {
    for (;;) {
      while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
      if (text.startsWith('<?xml', pos)) skipTo('?>');
      else if (text.startsWith('<!--', pos)) skipTo('-->');
      else return;
    }
  };
  const element = (): XmlElement => {
    if (text[pos] !== '<') throw new Error(`XML: expected "<" at offset ${pos}`);
    NAME.lastIndex = pos + 1;
    const name = NAME.exec(text)?.[0];
    if (name === undefined) throw new Error(`XML: expected an element name at offset ${pos + 1}`);
    pos = NAME.lastIndex;
    const attributes: Record<string, string> = {};
    for (ATTRIBUTE.lastIndex = pos; ; ATTRIBUTE.lastIndex = pos) {
      const match = ATTRIBUTE.exec(text);
      if (match === null) break;
      const [, attr = '', double, single] = match;
      if (attr in attributes) throw new Error(`XML: attribute ${attr} repeated on <${name}>`);
      const value = double ?? single ?? '';
      checkText(value, pos);
      attributes[attr] = value;
      pos = ATTRIBUTE.lastIndex;
    }
    const close = /^\s*(\/?)>/.exec(text.slice(pos));
    if (close === null) throw new Error(`XML: malformed tag <${name}> at offset ${pos}`);
    pos += close[0].length;
    const children: XmlElement[] = [];
    if (close[1] === '/') return { name, attributes, children };
    for (;;) {
      const next = text.indexOf('<', pos);
      if (next < 0) throw new Error(`XML: <${name}> is never closed`);
      checkText(text.slice(pos, next), pos);
      pos = next;
      if (text.startsWith('<!--', pos)) {
        skipTo('-->');
      } else if (text.startsWith('</', pos)) {
        const end = new RegExp(`^</${name.replace(/[.:]/g, '\\$&')}\\s*>`).exec(text.slice(pos));
        if (end === null) throw new Error(`XML: expected </${name}> at offset ${pos}`);
        pos += end[0].length;
        return { name, attributes, children };
      } else {
        children.push(element());
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (pos !== text.length) throw new Error(`XML: content after the root element at offset ${pos}`);
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
