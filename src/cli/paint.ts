/** Terminal emphasis, only when writing to a terminal that wants colour (NO_COLOR respected). */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Returns a painter for a stream: styles text when the stream is a colour terminal. */
export function painterFor(stream: { isTTY?: boolean }): (style: Style, text: string) => string {
  const colour = stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  return (style, text) => (colour ? styleText(style, text) : text);
}
