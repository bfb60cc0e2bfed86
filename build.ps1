#!/usr/bin/env pwsh
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.ps1 --target=BuildImage --arch=arm64v8   (./build.ps1 --help lists the options)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root '.artifacts/build'
$stamp = Join-Path $out '.inputs.sha256'

# How the program is built (BUILD_PROGRAM), as in build.sh: composite (precompiled, about 80 s once) or plain (about
# 8 s); plain by default in a CodeBuild node, which runs the program once.
$flavor = if ($env:BUILD_PROGRAM) { $env:BUILD_PROGRAM } elseif ($env:CODEBUILD_BUILD_ID) { 'plain' } else { 'composite' }
if ($flavor -notin 'composite', 'plain') {
    Write-Error "build.ps1: BUILD_PROGRAM='$flavor' is not a way to build the program; use composite or plain."
    exit 2
}
# Changing a build command below means changing this version, so that the program is rebuilt.
$recipe = "$flavor-1"

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

$current = Get-InputsHash
$dll = Join-Path $out 'Build.dll'
if (-not (Test-Path $dll) -or -not (Test-Path $stamp) -or (Get-Content $stamp -Raw).Trim() -ne $current) {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        Write-Error 'build.ps1: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 (see global.json), then rerun.'
        exit 127
    }
    Write-Host "build.ps1: building the build program ($flavor; its sources changed)..."
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    New-Item -ItemType Directory -Force -Path $out | Out-Null
    $log = Join-Path $out '.build.log'
    $publishLog = Join-Path $out '.publish.log'
    $project = Join-Path $root 'build/Build.csproj'
    if ($flavor -eq 'composite') {
        # Self-contained ReadyToRun composite for this machine; the plain build where the feed lacks the packages.
        & dotnet publish $project --configuration Release --output $out --nologo --verbosity quiet `
            --use-current-runtime --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true *> $publishLog
        if ($LASTEXITCODE -ne 0 -and (Select-String -Path $publishLog -Pattern 'error CS' -Quiet)) {
            Select-String -Path $publishLog -Pattern 'error CS' | ForEach-Object { $_.Line } | Sort-Object -Unique | Write-Host
            Write-Error "build.ps1: the build program does not compile (full log in $publishLog)."
            exit 1
        }
        if ($LASTEXITCODE -ne 0) {
            Write-Host "build.ps1: the composite publish failed (log in $publishLog); building it plain."
            $flavor = 'plain'
        }
    }
    if ($flavor -eq 'plain') {
        & dotnet build $project --configuration Release --output $out --nologo --verbosity quiet -p:UseAppHost=false *> $log
    }
    if ($LASTEXITCODE -ne 0) {
        Get-Content $log | Write-Host
        Write-Error "build.ps1: the build program does not compile (log above, also in $log)."
        exit $LASTEXITCODE
    }
    Set-Content -Path $stamp -Value $current -NoNewline
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# The self-contained publish leaves an executable (Build.exe on Windows); the plain build only Build.dll.
$exe = Get-ChildItem -Path $out -File | Where-Object { $_.Name -in 'Build', 'Build.exe' } | Select-Object -First 1
if ($exe) {
    & $exe.FullName @args
} else {
    & dotnet $dll @args
}
exit $LASTEXITCODE
