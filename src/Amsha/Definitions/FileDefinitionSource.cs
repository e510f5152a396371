using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Definitions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Amsha;

/// <summary>
/// Definitions from a directory of YAML or JSON files, in any of the layouts the compile-time files take
/// (CrewAI's <c>agents.yaml</c>/<c>tasks.yaml</c>, Python Amsha's one-agent and one-task files with job
/// configurations, or <c>agents:</c>/<c>tasks:</c>/<c>crews:</c> sections). Files are read again when they
/// change. Definition text is data: it can name only agents, tasks, crews and files inside the directory.
/// </summary>
public sealed class FileDefinitionSource : IDefinitionSource, IDisposable
{
    /// <summary>The most files a directory may hold.</summary>
    public const int MaxFiles = 1000;

    private readonly PhysicalFileProvider _files;

    /// <summary>A source over <paramref name="directory"/> (and its subdirectories).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public FileDefinitionSource(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"The definitions directory '{Directory}' does not exist.");
        }

        _files = new PhysicalFileProvider(Directory);
    }

    /// <summary>The directory read.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public string Name => Directory;

    /// <summary>
    /// How long after a file changes the definitions are read again (250 ms, as file configuration providers wait):
    /// an editor that writes a file in several steps is read once it is done, not half-written.
    /// </summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc/>
    public IChangeToken GetReloadToken()
    {
        var changed = new CompositeChangeToken(new[] { _files.Watch("**/*.yaml"), _files.Watch("**/*.yml"), _files.Watch("**/*.json") });
        var settled = new CancellationTokenSource();
        var delay = ReloadDelay;
        changed.RegisterChangeCallback(_ => settled.CancelAfter(delay), null);
        return new CancellationChangeToken(settled.Token);
    }

    /// <inheritdoc/>
    public async ValueTask<DefinitionSet> LoadAsync(CancellationToken cancellationToken = default)
    {
        var documents = new List<DefinitionDocument>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in DefinitionFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(Directory, path).Replace('\\', '/');
            var info = new FileInfo(path);

            // A link may point anywhere: definitions read only what lies inside the directory.
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target && !Inside(target.FullName))
            {
                throw new DefinitionException($"'{relative}' links to '{target.FullName}', outside the definitions directory; copy the file in instead.", DefinitionOrigin.InFile(relative, 1, 1));
            }

            if (info.Length > DefinitionReader.MaxFileCharacters * 4L)
            {
                throw new DefinitionException($"'{relative}' is {info.Length} bytes; definition files are limited to {DefinitionReader.MaxFileCharacters} characters.", DefinitionOrigin.InFile(relative, 1, 1));
            }

            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + text + "\n"));
            documents.Add(DefinitionReader.Read(relative, text, cancellationToken));
        }

        var catalog = DefinitionCatalog.Build(documents, cancellationToken);
        var version = Convert.ToHexString(hash.GetHashAndReset(), 0, 8).ToLowerInvariant();
        return DefinitionDocuments.ToSet(catalog, version);
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose() => _files.Dispose();

    // Definition files in a stable order; llm_config.yaml is the LLM configuration (AddAmshaLlmConfigYaml), not definitions.
    private IEnumerable<string> DefinitionFiles()
    {
        var files = System.IO.Directory.EnumerateFiles(Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileNameWithoutExtension(f).Equals("llm_config", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Take(MaxFiles + 1)
            .ToList();
        if (files.Count > MaxFiles)
        {
            throw new DefinitionException($"The definitions directory '{Directory}' holds more than {MaxFiles} definition files.");
        }

        return files;
    }

    private bool Inside(string path) =>
        path.StartsWith(Directory.EndsWith(Path.DirectorySeparatorChar) ? Directory : Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
