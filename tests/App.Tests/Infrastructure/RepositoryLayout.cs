namespace Berth.App.Tests.Infrastructure;

public static class RepositoryLayout
{
    /// <summary>The repository root: the nearest ancestor of the test binaries that holds app/Berth.App.csproj.</summary>
    public static string Root { get; } = FindRoot();

    public static string AppDirectory => Path.Combine(Root, "app");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "app", "Berth.App.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"app/Berth.App.csproj not found above {AppContext.BaseDirectory}");
    }
}
