/*
 * Starter rule set shipped with Assay's YARA service.
 * A small, deliberately generic set so the service reports something useful out of the box; deployed
 * signatures (added through /api/v4/signature/) are scanned alongside it. Meta keys the service reads:
 * score (number) or verdict (malicious|highly_suspicious|suspicious|low|info|safe), category, attack_id,
 * description, family, actor.
 */

rule EICAR_Test_File
{
    meta:
        description = "EICAR anti-virus test file"
        verdict = "malicious"
        category = "MALWARE"
        family = "EICAR"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar
}

rule PowerShell_Encoded_Command
{
    meta:
        description = "PowerShell launched with a long base64-encoded command"
        verdict = "suspicious"
        category = "TECHNIQUE"
        attack_id = "T1059.001, T1027"
    strings:
        $enc = /powershell(\.exe)?["']?\s+[^\r\n]{0,60}-e(nc|ncodedcommand)?\s+[A-Za-z0-9+\/=]{40,}/ nocase
    condition:
        $enc
}

rule Credential_Dumper_Strings
{
    meta:
        description = "Command strings of a well-known credential dumping tool"
        score = 1000
        category = "TOOL"
        attack_id = "T1003.001"
    strings:
        $a = "sekurlsa::logonpasswords" nocase
        $b = "lsadump::sam" nocase
        $c = "privilege::debug" nocase
    condition:
        2 of them
}

rule Certutil_Download
{
    meta:
        description = "certutil used to fetch a remote file"
        verdict = "suspicious"
        category = "TECHNIQUE"
        attack_id = "T1105"
    strings:
        $cu = "certutil" nocase
        $url = "-urlcache" nocase
        $http = /https?:\/\//
    condition:
        all of them
}

rule Office_Macro_AutoExec_Shell
{
    meta:
        description = "Macro that runs automatically and starts a program"
        verdict = "highly_suspicious"
        category = "TECHNIQUE"
        attack_id = "T1204.002"
    strings:
        $auto1 = "AutoOpen" nocase
        $auto2 = "Document_Open" nocase
        $auto3 = "Workbook_Open" nocase
        $shell1 = "Shell(" nocase
        $shell2 = "WScript.Shell" nocase
    condition:
        any of ($auto*) and any of ($shell*)
}
