/**
 * The recording rules' rate window, in one place: it is part of the recorded names (`rate5m`), the window of their
 * expressions (`[5m]`) and the "over the last 5 minutes" of the alerts that read them. Fixed rather than
 * configurable, because changing it renames every recorded series.
 */
import { duration } from '../engine/promql.js';

export const RECORDING_WINDOW = duration('5m');

const UNITS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour' };

/** The window in words for alert texts: `5m` is "5 minutes". */
export const RECORDING_WINDOW_WORDS = inWords(RECORDING_WINDOW.text);

function inWords(text: string): string {
  const [, count = '', unit = ''] = /^(\d+)([smh])$/.exec(text) ?? [];
  const word = UNITS[unit];
  if (word === undefined) throw new Error(`the recording window ${text} is not a whole number of seconds, minutes or hours`);
  return `${count} ${word}${count === '1' ? '' : 's'}`;
}
