namespace Berth.App.Tests;

public sealed class BuildInfoTests
{
    [Fact]
    public void Reads_sha_version_and_build_time_from_assembly_metadata()
    {
        var info = BuildInfo.FromAssembly(typeof(BuildInfo).Assembly);

        Assert.Equal(BuildInfo.Current, info);
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+", info.Version);
        Assert.True(DateTimeOffset.TryParse(info.BuildTime, out var built), $"'{info.BuildTime}' is a timestamp");
        Assert.InRange(built, DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public void Everything_is_unknown_for_an_assembly_without_Berth_metadata()
    {
        var info = BuildInfo.FromAssembly(typeof(object).Assembly);

        Assert.Equal(new BuildInfo("unknown", "unknown", "unknown"), info);
    }
}
