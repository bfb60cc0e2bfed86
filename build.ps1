#!/usr/bin/env pwsh
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.ps1 --target=BuildImage --arch=arm64v8   (./build.ps1 --help lists the options)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot

# ---- .NET SDK bootstrap (as build.sh: see there) ---------------------------------------------------------------
# When no SDK here satisfies global.json (version and rollForward), install one into .dotnet/ in the repository with
# Microsoft's dotnet-install script (DOTNET_INSTALL_SCRIPT_URL, file:// works) and use it for this run only.
$dotnetHome = Join-Path $root '.dotnet'
function Get-Member-Value($object, [string]$name) { if ($null -eq $object) { return $null }; $p = $object.PSObject.Properties[$name]; if ($p) { $p.Value } else { $null } }
$sdkSection = Get-Member-Value (Get-Content (Join-Path $root 'global.json') -Raw | ConvertFrom-Json) 'sdk'
$sdkWant = Get-Member-Value $sdkSection 'version'
$sdkRoll = Get-Member-Value $sdkSection 'rollForward'
if (-not $sdkRoll) { $sdkRoll = 'latestPatch' }   # the SDK's default when global.json names a version
$sdkPre = (Get-Member-Value $sdkSection 'allowPrerelease') -ne $false
if ($sdkRoll -cnotin 'patch', 'feature', 'minor', 'major', 'latestPatch', 'latestFeature', 'latestMinor', 'latestMajor', 'disable') {
    Write-Error "build.ps1: global.json's sdk.rollForward '$sdkRoll' is not one of patch, feature, minor, major, latestPatch, latestFeature, latestMinor, latestMajor, disable."
    exit 2
}
$sdkW = @(0, 0, 0)
if ($sdkWant) {
    if ($sdkWant -notmatch '^(\d+)\.(\d+)\.(\d+)') { Write-Error "build.ps1: global.json's sdk.version '$sdkWant' is not a version like 10.0.100."; exit 2 }
    $sdkW = @([int]$Matches[1], [int]$Matches[2], [int]$Matches[3])
}
# The CPU an install in .dotnet/ is for, named as build.sh names it (bash's HOSTTYPE).
$hostType = switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) { 'Arm64' { 'aarch64' } default { 'x86_64' } }

function Test-SdkAccepted([string]$version) {
    if (-not $sdkWant) { return $true }
    if ($version -notmatch '^(\d+)\.(\d+)\.(\d+)(-.*)?$') { return $false }
    $m = [int]$Matches[1]; $n = [int]$Matches[2]; $p = [int]$Matches[3]; $pre = $Matches[4]
    if ($pre -and -not $sdkPre) { return $false }
    if ($pre -and $sdkWant -notlike '*-*' -and $m -eq $sdkW[0] -and $n -eq $sdkW[1] -and $p -eq $sdkW[2]) { return $false }
    $atLeast = $p -ge $sdkW[2]
    switch ($sdkRoll) {
        'disable' { return $version -eq $sdkWant }
        { $_ -in 'patch', 'latestPatch' } { return $m -eq $sdkW[0] -and $n -eq $sdkW[1] -and [math]::Floor($p / 100) -eq [math]::Floor($sdkW[2] / 100) -and $atLeast }
        { $_ -in 'feature', 'latestFeature' } { return $m -eq $sdkW[0] -and $n -eq $sdkW[1] -and $atLeast }
        { $_ -in 'minor', 'latestMinor' } { return $m -eq $sdkW[0] -and ($n -gt $sdkW[1] -or ($n -eq $sdkW[1] -and $atLeast)) }
        default { return $m -gt $sdkW[0] -or ($m -eq $sdkW[0] -and ($n -gt $sdkW[1] -or ($n -eq $sdkW[1] -and $atLeast))) }
    }
}
function Get-Sdks([string]$dotnetRoot) {
    Get-ChildItem -Path (Join-Path $dotnetRoot 'sdk') -Directory -ErrorAction SilentlyContinue |
        Where-Object { Test-Path (Join-Path $_.FullName 'dotnet.dll') } | ForEach-Object { $_.Name }
}
function Find-Sdk([string]$dotnetRoot) { Get-Sdks $dotnetRoot | Where-Object { Test-SdkAccepted $_ } | Select-Object -First 1 }
$dotnetExe = if ($IsWindows) { 'dotnet.exe' } else { 'dotnet' }
function Test-LocalSdk {
    $marker = Join-Path $dotnetHome '.complete'
    (Test-Path $marker) -and (Get-Content $marker -Raw).Trim() -eq $hostType -and (Test-Path (Join-Path $dotnetHome $dotnetExe)) -and [bool](Find-Sdk $dotnetHome)
}
function Install-Sdk([string]$systemSeen) {
    $url = if ($env:DOTNET_INSTALL_SCRIPT_URL) { $env:DOTNET_INSTALL_SCRIPT_URL } elseif ($IsWindows) { 'https://dot.net/v1/dotnet-install.ps1' } else { 'https://dot.net/v1/dotnet-install.sh' }
    $band = [math]::Floor($sdkW[2] / 100)
    if (-not $sdkWant) { $channel = 'LTS'; $what = 'the newest LTS' }
    elseif ($sdkRoll -eq 'disable') { $channel = $null; $what = $sdkWant }
    elseif ($sdkRoll -in 'patch', 'latestPatch', 'feature') { $channel = "$($sdkW[0]).$($sdkW[1]).${band}xx"; $what = "the newest $channel" }
    else { $channel = "$($sdkW[0]).$($sdkW[1])"; $what = "the newest $channel" }
    $byHand = "Install the .NET SDK by hand (https://dotnet.microsoft.com/download; global.json asks for $(if ($sdkWant) { $sdkWant } else { 'any version' }), rollForward $sdkRoll), or set DOTNET_INSTALL_SCRIPT_URL to a dotnet-install script you can reach (a file:// URL works), then rerun."
    Write-Host "build.ps1: no .NET SDK on this machine satisfies global.json ($(if ($sdkWant) { $sdkWant } else { 'any' }), rollForward $sdkRoll; dotnet on PATH: $systemSeen)."
    Write-Host "build.ps1: installing $what SDK into .dotnet/ with $url (for this repository only; nothing system-wide changes)..."
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if (Test-Path $dotnetHome) { Remove-Item -Recurse -Force $dotnetHome }
    New-Item -ItemType Directory -Force -Path $dotnetHome | Out-Null
    $uri = [uri]$url
    if ($uri.IsFile) {
        $script = $uri.LocalPath   # run in place: a local script may bring its payload from beside it
        if (-not (Test-Path $script)) { Write-Error "build.ps1: cannot read the .NET install script at $url (no such file). $byHand"; exit 1 }
    } else {
        $script = Join-Path $dotnetHome ([System.IO.Path]::GetFileName($uri.AbsolutePath))
        try { Invoke-WebRequest -Uri $url -OutFile $script -UseBasicParsing -MaximumRetryCount 2 -TimeoutSec 60 }
        catch { Write-Error "build.ps1: could not download the .NET install script from ${url}: $($_.Exception.Message). $byHand"; exit 1 }
    }
    $log = Join-Path $dotnetHome 'install.log'
    if ($script -like '*.ps1') {
        $arguments = if ($channel) { @('-Channel', $channel) } else { @('-Version', $sdkWant) }
        & $script @arguments -InstallDir $dotnetHome -NoPath *> $log
        $failed = -not $?
    } else {
        $arguments = if ($channel) { @('--channel', $channel) } else { @('--version', $sdkWant) }
        & bash $script @arguments --install-dir $dotnetHome --no-path *> $log
        $failed = $LASTEXITCODE -ne 0
    }
    if ($failed) {
        Get-Content $log | Where-Object { $_.Trim() } | Select-Object -Last 8 | ForEach-Object { Write-Host "  $_" }
        Write-Error "build.ps1: the .NET install script ($url) failed (log above, all of it in $log). $byHand"
        exit 1
    }
    $version = Find-Sdk $dotnetHome
    if (-not $version) {
        Write-Error "build.ps1: the .NET install script finished, but .dotnet/ holds no SDK that global.json accepts (found: $((Get-Sdks $dotnetHome) -join ' ')). $byHand"
        exit 1
    }
    Set-Content -Path (Join-Path $dotnetHome '.complete') -Value $hostType
    Write-Host "build.ps1: installed .NET SDK $version into .dotnet/ in $([int]$watch.Elapsed.TotalSeconds) s."
}

$systemDotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
$systemRoot = $null
$systemSeen = 'none'
if ($systemDotnet) {
    $item = Get-Item $systemDotnet.Source
    $target = if ($item.LinkTarget) { $item.ResolvedTarget.FullName } else { $item.FullName }
    $systemRoot = Split-Path -Parent $target
    $systemSeen = "$((Get-Sdks $systemRoot) -join ' ') in $systemRoot"
}
if ($systemRoot -and $systemRoot -ne $dotnetHome -and (Find-Sdk $systemRoot)) {
    # the machine's own SDK will do
} else {
    if (-not (Test-LocalSdk)) {
        # Nodes of a LocalBatch may start at once: one installs, the others wait for its lock and find it installed.
        New-Item -ItemType Directory -Force -Path (Join-Path $root '.artifacts') | Out-Null
        $lock = $null
        while (-not $lock) {
            try { $lock = [System.IO.File]::Open((Join-Path $root '.artifacts/.dotnet.lock'), 'OpenOrCreate', 'ReadWrite', 'None') }
            catch [System.IO.IOException] { Start-Sleep -Milliseconds 500 }
        }
        try { if (-not (Test-LocalSdk)) { Install-Sdk $systemSeen } } finally { $lock.Dispose() }
    }
    $env:DOTNET_ROOT = $dotnetHome
    $env:PATH = $dotnetHome + [System.IO.Path]::PathSeparator + $env:PATH
}
# The SDK needs ICU unless globalization is invariant (the program itself is); a fresh Linux may have no libicu.
if (-not $IsWindows -and -not $env:DOTNET_SYSTEM_GLOBALIZATION_INVARIANT -and
    -not (Get-ChildItem -Path '/usr/lib*/libicuuc.so.*', '/usr/lib/*/libicuuc.so.*' -ErrorAction SilentlyContinue)) {
    $env:DOTNET_SYSTEM_GLOBALIZATION_INVARIANT = '1'
}
if (-not $env:DOTNET_CLI_TELEMETRY_OPTOUT) { $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1' }
if (-not $env:DOTNET_NOLOGO) { $env:DOTNET_NOLOGO = '1' }
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
# In a CodeBuild node, NuGet's packages go to a folder of the checkout, so that the buildspecs' cache paths can name it.
if ($env:CODEBUILD_BUILD_ID -and -not $env:NUGET_PACKAGES) { $env:NUGET_PACKAGES = Join-Path $root '.nuget/packages' }
# ---- end of the SDK bootstrap ---------------------------------------------------------------------------------
$out = Join-Path $root '.artifacts/build'

# How the program is built (BUILD_PROGRAM), as in build.sh: unset runs what is built for these sources (the composite
# when there is one) and otherwise makes a plain build at once; composite or plain build that flavour. build.ps1 does
# not compile the composite in the background (build.sh does, where flock is available): run it once with
# BUILD_PROGRAM=composite to get it. Each build has its own folder, <flavour>-<inputs hash>, moved into place whole, so
# that a running program's folder is never rebuilt under it.
$requested = $env:BUILD_PROGRAM
if ($requested -and $requested -notin 'composite', 'plain') {
    Write-Error "build.ps1: BUILD_PROGRAM='$requested' is not a way to build the program; use composite or plain (or leave it unset)."
    exit 2
}
# Changing a build command below means changing this version, so that the program is rebuilt (the same as build.sh's).
$recipe = '2'

# Same inputs as build.sh: the build project's sources and the repo-wide MSBuild/SDK settings, by content.
function Get-InputsHash {
    $extensions = '.cs', '.csproj', '.props', '.targets', '.json', '.sh'
    $files = Get-ChildItem -Path (Join-Path $root 'build') -Recurse -File |
        Where-Object { $extensions -contains $_.Extension -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' } |
        Sort-Object { $_.FullName.Substring($root.Length).Replace('\', '/') } -Culture ([cultureinfo]::InvariantCulture)
    $files += Get-Item (Join-Path $root 'global.json'), (Join-Path $root 'Directory.Build.props'), (Join-Path $root 'Directory.Build.targets')
    $lines = $files | ForEach-Object { (Get-FileHash -Algorithm SHA256 $_.FullName).Hash.ToLowerInvariant() + '  ' + $_.FullName.Substring($root.Length + 1).Replace('\', '/') }
    $lines += "recipe: $recipe"
    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($lines -join "`n") + "`n")
    return [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::HashData($bytes)).Replace('-', '').ToLowerInvariant()
}

function Test-Program($dir) { (Test-Path (Join-Path $dir 'Build.dll')) -and (Test-Path (Join-Path $dir 'Build.deps.json')) }

# Builds into a temporary folder, then moves it into place whole. Returns 0, 1 (failed), 2 (does not compile).
function Invoke-ProgramBuild($flavour, $hash) {
    $tmp = Join-Path $out ".tmp-$flavour-$hash-$PID"
    $log = Join-Path $out "$flavour-$hash.log"
    $project = Join-Path $root 'build/Build.csproj'
    if (Test-Path $tmp) { Remove-Item -Recurse -Force $tmp }
    New-Item -ItemType Directory -Force -Path $tmp | Out-Null
    if ($flavour -eq 'composite') {
        & dotnet publish $project --configuration Release --output $tmp --nologo --verbosity quiet --artifacts-path (Join-Path $out '.obj-composite') `
            --disable-build-servers --use-current-runtime --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true *> $log
    } else {
        # A CodeBuild node compiles the program only to run it: the analyzers ran where the change was made and in CI.
        $lint = if ($env:CODEBUILD_BUILD_ID) { @('-p:RunAnalyzers=false') } else { @() }
        & dotnet build $project --configuration Release --output $tmp --nologo --verbosity quiet -p:UseAppHost=false @lint *> $log
    }
    if ($LASTEXITCODE -ne 0 -or -not (Test-Program $tmp)) {
        Remove-Item -Recurse -Force $tmp
        if (Select-String -Path $log -Pattern 'error CS' -Quiet) { return 2 }
        return 1
    }
    $final = Join-Path $out "$flavour-$hash"
    if (Test-Program $final) { Remove-Item -Recurse -Force $tmp; return 0 }   # another build got there first
    if (Test-Path $final) { Remove-Item -Recurse -Force $final }
    Move-Item $tmp $final
    return 0
}

New-Item -ItemType Directory -Force -Path $out | Out-Null
$hash = Get-InputsHash
$flavours = if ($requested) { @($requested) } else { @('composite', 'plain') }
$program = $flavours | ForEach-Object { Join-Path $out "$_-$hash" } | Where-Object { Test-Program $_ } | Select-Object -First 1
if (-not $program) {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        Write-Error 'build.ps1: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 (see global.json), then rerun.'
        exit 127
    }
    $flavour = if ($requested) { $requested } else { 'plain' }
    $started = Get-Date
    if ($flavour -eq 'composite') {
        Write-Host 'build.ps1: building the build program (composite: precompiled with Cake and .NET, about 2 min on 2 cores, once per change of build/)...'
        $status = Invoke-ProgramBuild 'composite' $hash
        if ($status -eq 2) {
            Select-String -Path (Join-Path $out "composite-$hash.log") -Pattern 'error CS' | ForEach-Object { $_.Line } | Sort-Object -Unique | Write-Host
            Write-Error "build.ps1: the build program does not compile (full log in $(Join-Path $out "composite-$hash.log"))."
            exit 1
        }
        if ($status -ne 0) {
            Write-Host "build.ps1: the composite publish failed (log in $(Join-Path $out "composite-$hash.log")); building it plain."
            $flavour = 'plain'
        }
    }
    if ($flavour -eq 'plain' -and -not (Test-Program (Join-Path $out "plain-$hash"))) {
        Write-Host 'build.ps1: building the build program (plain: dotnet build, about 10 s; its sources changed)...'
        if ((Invoke-ProgramBuild 'plain' $hash) -ne 0) {
            Get-Content (Join-Path $out "plain-$hash.log") | Write-Host
            Write-Error "build.ps1: the build program does not compile (log above, also in $(Join-Path $out "plain-$hash.log"))."
            exit 1
        }
    }
    Write-Host ("build.ps1: built in {0:N0} s." -f ((Get-Date) - $started).TotalSeconds)
    $program = Join-Path $out "$flavour-$hash"
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# The self-contained publish leaves an executable (Build.exe on Windows); the plain build only Build.dll.
$exe = Get-ChildItem -Path $program -File | Where-Object { $_.Name -in 'Build', 'Build.exe' } | Select-Object -First 1
if ($exe) {
    & $exe.FullName @args
} else {
    & dotnet (Join-Path $program 'Build.dll') @args
}
exit $LASTEXITCODE
