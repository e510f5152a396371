using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Amsha.AspNetCore.Dashboard;

/// <summary>One embedded file of the dashboard, ready to send: its bytes, content type and strong ETag.</summary>
internal sealed record DashboardAsset(string Name, byte[] Content, string ContentType, string ETag, string Version);

/// <summary>
/// The dashboard's files, embedded in this assembly (no CDN, no external fonts: the page works offline). The page
/// references its scripts and styles with <c>?v=&lt;version&gt;</c>, so a versioned asset URL never changes meaning
/// and may be cached for a year; the page itself is revalidated with its ETag on every load.
/// </summary>
internal static class DashboardAssets
{
    internal const string IndexName = "index.html";

    private const string ResourcePrefix = "Amsha.AspNetCore.Dashboard.Assets.";

    private static readonly Lazy<FrozenDictionary<string, DashboardAsset>> All = new(Load);

    /// <summary>The page, its links pointing at the current versions of the assets.</summary>
    public static DashboardAsset Index => All.Value[IndexName];

    /// <summary>The asset (not the page) named <paramref name="name"/>, or null.</summary>
    public static DashboardAsset? Find(string name) =>
        !string.Equals(name, IndexName, StringComparison.Ordinal) && All.Value.TryGetValue(name, out var asset) ? asset : null;

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var (name, type) in new[]
        {
            ("app.js", "text/javascript; charset=utf-8"),
            ("app.css", "text/css; charset=utf-8"),
            ("icon.svg", "image/svg+xml"),
        })
        {
            assets[name] = Create(name, Read(name), type);
        }

        // The page links each asset with its version, so a new build never runs an old script against a new page.
        var index = Encoding.UTF8.GetString(Read(IndexName));
        foreach (var asset in assets.Values)
        {
            var link = "\"assets/" + asset.Name + "\"";
            if (!index.Contains(link, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The dashboard page does not link assets/{asset.Name}.");
            }

            index = index.Replace(link, "\"assets/" + asset.Name + "?v=" + asset.Version + "\"", StringComparison.Ordinal);
        }

        assets[IndexName] = Create(IndexName, Encoding.UTF8.GetBytes(index), "text/html; charset=utf-8");
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static DashboardAsset Create(string name, byte[] content, string contentType)
    {
        var hash = Convert.ToHexString(SHA256.HashData(content), 0, 12).ToLowerInvariant();
        return new DashboardAsset(name, content, contentType, "\"" + hash + "\"", hash);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
