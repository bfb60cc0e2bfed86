#!/usr/bin/env pwsh
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.ps1 --target=BuildImage --arch=arm64v8   (./build.ps1 --help lists the options)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
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
    $extensions = '.cs', '.csproj', '.props', '.targets', '.json'
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
        & dotnet build $project --configuration Release --output $tmp --nologo --verbosity quiet -p:UseAppHost=false *> $log
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
