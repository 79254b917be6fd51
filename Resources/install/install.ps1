# Logstag agent installer for Windows, served by a Logstag server at /install.ps1.
#
#   Invoke-WebRequest -UseBasicParsing https://SERVER/install.ps1 -OutFile $env:TEMP\logstag-install.ps1
#   & $env:TEMP\logstag-install.ps1 -Server https://SERVER -Asset <asset id> -Platform self-hosted
#
# Downloads logstag.exe and its SHA-256 from the same server, verifies it, installs it under
# Program Files with a config skeleton under ProgramData (readable by Administrators and SYSTEM
# only). The registration token is never a parameter: the agent asks for it when it enrolls, or
# reads the file named by LOGSTAG_TOKEN_FILE. Run from an elevated PowerShell.
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$Server,
    [Parameter(Mandatory = $true)][string]$Asset,
    [ValidateSet('self-hosted', 'aws-rds', 'huawei-rds')][string]$Platform = 'self-hosted'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Fail([string]$Message) { Write-Error "logstag install: $Message"; exit 1 }

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { Fail 'run this from an elevated (Administrator) PowerShell.' }
$Server = $Server.TrimEnd('/')
if (-not $Server.StartsWith('https://') -and -not ($Server -match '^http://(127\.0\.0\.1|localhost)(:\d+)?$')) {
    Fail "the server URL must use https:// (got $Server)."
}

[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 -bor [Net.SecurityProtocolType]::Tls13
$work = Join-Path $env:TEMP ("logstag-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $exe = Join-Path $work 'logstag.exe'
    try {
        Invoke-WebRequest -UseBasicParsing "$Server/download/logstag.exe" -OutFile $exe
        $expected = ((Invoke-WebRequest -UseBasicParsing "$Server/download/logstag.exe.sha256").Content -split '\s+')[0].ToLower()
    } catch {
        Fail "this server does not offer a Windows agent build ($Server/download/logstag.exe). Ask its operator, or install the agent on a Linux host that can reach the database."
    }
    $actual = (Get-FileHash -Algorithm SHA256 $exe).Hash.ToLower()
    if ($actual -ne $expected) { Fail "checksum mismatch (expected $expected, got $actual); nothing was installed." }

    $programDir = Join-Path $env:ProgramFiles 'Logstag'
    $dataDir = Join-Path $env:ProgramData 'Logstag'
    New-Item -ItemType Directory -Force -Path $programDir, $dataDir | Out-Null
    Copy-Item $exe (Join-Path $programDir 'logstag.exe') -Force
    $config = Join-Path $dataDir 'agent.toml'
    if (-not (Test-Path $config)) {
        @"
[agent]
api_base_url = "$Server"
log_level = "info"
# Targets are added when the agent enrolls (asset $Asset, platform $Platform).
"@ | Set-Content -Encoding UTF8 $config
        icacls $dataDir /inheritance:r /grant:r 'Administrators:(OI)(CI)F' 'SYSTEM:(OI)(CI)F' | Out-Null
    }
    Write-Host "Installed $programDir\logstag.exe (SHA-256 verified). Config: $config"
    Write-Host "Next: & '$programDir\logstag.exe' --mode agent --enroll --config '$config'  (it asks for the registration token)."
} finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
