using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Berth.App.Tests.Infrastructure;

/// <summary>
/// Publishes the real Native AOT binary once per test run (like the Dockerfile: Release, linux-x64, no .dbg),
/// from a copy of app/ so the developer's app/obj is not touched, with a known GitSha and Version.
/// </summary>
public sealed class AotBinaryFixture : IAsyncLifetime
{
    public const string TestSha = "0123456789abcdef0123456789abcdef01234567";
    public const string TestVersion = "1.2.3-test";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), $"berth-aot-tests-{Guid.NewGuid():N}");

    /// <summary>linux-x64 or linux-arm64: Native AOT compiles for the machine it runs on.</summary>
    public static string RuntimeIdentifier { get; } =
        $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";

    public string BinaryPath { get; private set; } = "";

    public TimeSpan PublishDuration { get; private set; }

    public async Task InitializeAsync()
    {
        if (FindOnPath("clang") is null)
        {
            throw new InvalidOperationException(
                "clang not found on PATH: Native AOT publish needs clang and zlib1g-dev (run scripts/bootstrap, " +
                "or apt-get install clang zlib1g-dev).");
        }

        var source = Path.Combine(_workDirectory, "app");
        CopySources(RepositoryLayout.AppDirectory, source);
        var output = Path.Combine(_workDirectory, "out");

        var psi = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = _workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "publish", Path.Combine(source, "Berth.App.csproj"), "-c", "Release", "-r", RuntimeIdentifier,
                     "-p:PublishAot=true", "-o", output, $"-p:GitSha={TestSha}", $"-p:Version={TestVersion}",
                     "-p:CopyOutputSymbolsToPublishDirectory=false", "--disable-build-servers", "-nologo",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        // Do not inherit the test host's MSBuild settings into the nested build.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        var log = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish (AOT) did not finish within {PublishTimeout}:\n{Tail(log)}");
        }

        PublishDuration = stopwatch.Elapsed;
        BinaryPath = Path.Combine(output, "berth");
        if (process.ExitCode != 0 || !File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"dotnet publish (AOT) failed with exit code {process.ExitCode}:\n{Tail(log)}");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString();
            return text.Length <= 6000 ? text : text[^6000..];
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AotBinaryCollection : ICollectionFixture<AotBinaryFixture>
{
    public const string Name = "Native AOT binary";
}
