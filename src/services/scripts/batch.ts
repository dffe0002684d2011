// Batch deobfuscation: caret escapes, and `set` variables substituted where they are used, including the
// %var:~start,length% slices and %var:old=new% replacements obfuscators build commands from. Variables are
// tracked line by line, as cmd.exe expands them, and the usual system variables have their default values.
import { replaceAll, type Transform } from './transform.js';

const DEFAULTS: Record<string, string> = {
  comspec: 'C:\\Windows\\system32\\cmd.exe', systemroot: 'C:\\Windows', windir: 'C:\\Windows', systemdrive: 'C:',
  programfiles: 'C:\\Program Files', programdata: 'C:\\ProgramData', public: 'C:\\Users\\Public',
  allusersprofile: 'C:\\ProgramData', pathext: '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC',
};

// A caret escapes the next character outside quotes; "^^" is a literal caret.
const CARET = /\^([^\r\n])/g;
const carets: Transform = {
  name: 'carets',
  apply: (s, note) => {
    const out = s.split(/(\r?\n)/).map((line) => (/^\s*(?:rem\b|::)/i.test(line) ? line : line.replace(CARET, '$1'))).join('');
    if (out !== s) note('caret escapes');
    return out;
  },
};

const SET = /^\s*@?set\s+(?:\/p\s+)?("?)([^=\s"/][^=\r\n"]*)=([^\r\n]*?)\1\s*$/i;
const USE = /%([A-Za-z_][\w#$'()*+,\-.?@[\]`{}~ ]{0,63}?)(?::(~\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?|([^%=\r\n]+)=([^%\r\n]*)))?%/g;

function slice(v: string, start: number, len?: number): string {
  const s = start < 0 ? Math.max(0, v.length + start) : Math.min(start, v.length);
  if (len === undefined) return v.slice(s);
  const e = len < 0 ? v.length + len : s + len;
  return e <= s ? '' : v.slice(s, e);
}

const variables: Transform = {
  name: 'set variables',
  apply: (s, note) => {
    const env = new Map(Object.entries(DEFAULTS));
    const lines = s.split(/(\r?\n)/);
    for (let i = 0; i < lines.length; i += 2) {
      const line = lines[i]!;
      const expanded = replaceAll(line, USE, (m) => {
        const v = env.get(m[1]!.toLowerCase());
        if (v === undefined) return undefined;
        if (m[3] !== undefined) {
          note('%var:~x,y% substring slicing');
          return slice(v, Number(m[3]), m[4] === undefined ? undefined : Number(m[4]));
        }
        if (m[5] !== undefined) {
          note('%var:a=b% substitution');
          const re = new RegExp(m[5].replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
          return v.replace(re, m[6]!);
        }
        note('set variable substitution');
        return v;
      });
      lines[i] = expanded;
      const set = SET.exec(expanded);
      if (set) env.set(set[2]!.trim().toLowerCase(), set[3]!);
    }
    return lines.join('');
  },
};

export const BATCH: Transform[] = [carets, variables];
