<#
.SYNOPSIS
  Signs Windows binaries (programs, .exe installers, .msi) with signtool and an RFC 3161 timestamp.

.DESCRIPTION
  The certificate comes from the environment, never from the command line, and is never printed:
    WINDOWS_CERT_PFX_BASE64  the code-signing certificate with its private key, a .pfx file in
                             base64 (e.g. a CI secret made with: base64 -w0 cert.pfx)
    WINDOWS_CERT_PASSWORD    the .pfx password
    WINDOWS_TIMESTAMP_URL    optional; default http://timestamp.digicert.com
  The .pfx is written to a private temporary file for signtool and deleted afterwards.
  Certificates whose key lives on a token or in a cloud HSM are not exported as .pfx: sign with
  the vendor's tool instead (see packaging/README.md).

.EXAMPLE
  $env:WINDOWS_CERT_PFX_BASE64 = ...; $env:WINDOWS_CERT_PASSWORD = ...
  packaging\windows\sign.ps1 build\SquadConsole-0.1.0-win64.exe build\SquadConsole-0.1.0-win64.msi
#>
param(
    [Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)]
    [string[]] $Files
)
$ErrorActionPreference = 'Stop'

if ([string]::IsNullOrEmpty($env:WINDOWS_CERT_PFX_BASE64) -or
    [string]::IsNullOrEmpty($env:WINDOWS_CERT_PASSWORD)) {
    Write-Error 'sign.ps1: WINDOWS_CERT_PFX_BASE64 and WINDOWS_CERT_PASSWORD must both be set; nothing was signed.'
    exit 2
}
$timestampUrl = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }

foreach ($file in $Files) {
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) {
        Write-Error "sign.ps1: no such file: $file; nothing was signed."
        exit 2
    }
}

# signtool ships with the Windows SDK; take the newest x64 one when it is not on PATH.
$signtool = (Get-Command signtool.exe -ErrorAction SilentlyContinue).Source
if (-not $signtool) {
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $signtool = Get-ChildItem -Path $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match '\\x64\\' } |
        Sort-Object FullName -Descending | Select-Object -First 1 -ExpandProperty FullName
}
if (-not $signtool) {
    Write-Error 'sign.ps1: signtool.exe not found (install the Windows SDK); nothing was signed.'
    exit 2
}

$pfx = Join-Path ([System.IO.Path]::GetTempPath()) ("squad-sign-" + [guid]::NewGuid() + '.pfx')
try {
    [System.IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERT_PFX_BASE64))
    foreach ($file in $Files) {
        Write-Host "Signing $file"
        # The password goes through the process arguments only; signtool does not echo it.
        & $signtool sign /fd sha256 /f $pfx /p $env:WINDOWS_CERT_PASSWORD `
            /tr $timestampUrl /td sha256 /d 'Squad Console' $file | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "signtool sign failed for $file (exit code $LASTEXITCODE)" }
        & $signtool verify /pa /q $file | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "signtool verify failed for $file (exit code $LASTEXITCODE)" }
    }
}
catch {
    Write-Error "sign.ps1: $($_.Exception.Message)"
    exit 1
}
finally {
    Remove-Item -LiteralPath $pfx -Force -ErrorAction SilentlyContinue
}
