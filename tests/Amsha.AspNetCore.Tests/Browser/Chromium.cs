using System;
using System.IO;
using Xunit;

namespace Amsha.AspNetCore.Tests.Browser;

/// <summary>
/// Finds the Chromium the browser tests drive: the executable named by <c>AMSHA_CHROMIUM</c>, else the Debian
/// <c>chromium</c> package's <c>/usr/bin/chromium</c>. Playwright's own browser downloads are never used, so the
/// tests run offline. No browser is a failure, never a skip: the dashboard must be tested in a real browser.
/// </summary>
internal static class Chromium
{
    public const string EnvironmentVariable = "AMSHA_CHROMIUM";

    private static readonly string[] DefaultPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>Flags for a quiet, headless, sandbox-free run that contacts nothing but the test server.</summary>
    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Assert.True(File.Exists(configured), $"{EnvironmentVariable} is set to '{configured}', which does not exist. Point it at a Chromium or Chrome executable, or unset it to use /usr/bin/chromium.");
            return configured;
        }

        foreach (var path in DefaultPaths)
        {
            if (File.Exists(path))
            {
                return path;
            }
        }

        Assert.Fail(
            "The dashboard's browser tests need Chromium and found none. Install it with 'sudo apt-get install -y chromium' " +
            $"(Debian, Ubuntu: it provides /usr/bin/chromium), or set {EnvironmentVariable} to the path of a Chromium or Chrome executable.");
        return null!;
    }
}

/// <summary>Where the browser tests save screenshots: artifacts/screenshots under the repository root.</summary>
internal static class Screenshots
{
    /// <summary>Set to 1 to refresh docs/images/dashboard.png from the test run (it is written when missing too).</summary>
    public const string UpdateDocsVariable = "AMSHA_UPDATE_DOCS_SCREENSHOTS";

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Amsha.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Amsha.Generators.sln was not found above {AppContext.BaseDirectory}.");
    }

    public static string PathOf(string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    /// <summary>Copies a screenshot to docs/images/dashboard.png when that file is missing or an update is asked for.</summary>
    public static void PublishToDocs(string screenshot)
    {
        var target = Path.Combine(RepositoryRoot(), "docs", "images", "dashboard.png");
        if (File.Exists(target) && Environment.GetEnvironmentVariable(UpdateDocsVariable) != "1")
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(screenshot, target, overwrite: true);
    }
}
