// Parsers that record a failed part as text (the PE analyser's `errors`, a section saying what could not be
// read) turn any exception into such a record. A deliberate refusal reads like "truncated"; the messages below
// are the JavaScript engine's own, and mean the parser indexed past its data or recursed without a bound.
const ENGINE_MESSAGES = [
  /Cannot read propert/, /Cannot set propert/, /is not a function/, /is not iterable/, /is not defined/,
  /Maximum call stack size exceeded/, /Invalid array length/, /Invalid typed array length/, /out of range/i,
  /outside the bounds/, /outside buffer bounds/, /Cannot convert/, /Cannot mix BigInt/, /Invalid string length/,
  /Invalid code point/, /Array buffer allocation failed/,
];

export function engineError(text: string): boolean {
  return ENGINE_MESSAGES.some((re) => re.test(text));
}

/** Errors a parser may not let escape: the engine's, not the parser's. */
export function isEngineException(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}
