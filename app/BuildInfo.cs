using System.Reflection;

namespace Berth.App;

/// <summary>
/// Build metadata baked into the assembly at build time (see the AssemblyMetadata items in Berth.App.csproj):
/// the git commit, the version and the UTC build time.
/// </summary>
public sealed record BuildInfo(string Sha, string Version, string BuildTime)
{
    public const string Unknown = "unknown";

    public static BuildInfo Current { get; } = FromAssembly(typeof(BuildInfo).Assembly);

    public static BuildInfo FromAssembly(Assembly assembly)
    {
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Value is not null)
            .GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal);

        return new BuildInfo(
            Sha: Pick(metadata, "Berth.GitSha"),
            Version: Pick(metadata, "Berth.Version"),
            BuildTime: Pick(metadata, "Berth.BuildTime"));
    }

    private static string Pick(Dictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : Unknown;
}
