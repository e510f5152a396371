using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.Serialization;

namespace Amsha;

/// <summary>
/// Keeps execution records as files in one directory: the embedded default store of background
/// executions. Safe for several processes sharing the directory.
/// </summary>
/// <remarks>
/// <para>Each execution has <c>{id}.exec</c> (newest revision) and <c>{id}.exec.prev</c> (the revision before).
/// A file is a header line <c>AMSHA-EXECUTION 1 sha256=… length=…</c> followed by the record's JSON.</para>
/// <para>A write goes to a temporary file, is flushed to disk, and replaces the newest file in one rename,
/// which keeps the replaced revision as <c>.prev</c>. Writers of one execution take an exclusive lock
/// file, then check the revision (optimistic concurrency).</para>
/// <para>A record whose checksum or length does not match, or whose newest file is missing, is reported with
/// <see cref="ExecutionStoreCorruptedException"/> naming the file and reason; its intact previous revision
/// is attached. Saving on top of that revision repairs the record (the damaged file is kept as <c>.corrupt</c>).</para>
/// </remarks>
public sealed class FileExecutionStore : IExecutionStore
{
    private const string Extension = ".exec";
    private const string PreviousSuffix = ".prev";
    private const string Magic = "AMSHA-EXECUTION 1";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(5);
    private readonly TimeProvider _time;

    /// <summary>A store in <paramref name="directory"/>, created when missing; <see cref="DefaultDirectory"/> when null.</summary>
    /// <param name="directory">The directory of the record files.</param>
    /// <param name="timeProvider">The clock of the wait for another writer's lock (30 s at most); the system clock when null.</param>
    public FileExecutionStore(string? directory = null, TimeProvider? timeProvider = null)
    {
        Directory = Path.GetFullPath(directory ?? DefaultDirectory);
        System.IO.Directory.CreateDirectory(Directory);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Where background executions are stored when nothing is configured: <c>Amsha/executions</c> under the
    /// user's local application data (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows,
    /// <c>~/Library/Application Support</c> on macOS), or the <c>AMSHA_EXECUTION_STORE</c> environment variable when set.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("AMSHA_EXECUTION_STORE");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(appData) ? Path.GetTempPath() : appData, "Amsha", "executions");
        }
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <summary>The file holding the newest revision of <paramref name="executionId"/>.</summary>
    public string GetRecordPath(string executionId) => Path.Combine(Directory, CheckId(executionId) + Extension);

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord?> GetAsync(string executionId, CancellationToken cancellationToken = default)
    {
        var (current, _) = await ReadNewestAsync(CheckId(executionId), cancellationToken).ConfigureAwait(false);
        return current;
    }

    /// <inheritdoc/>
    public async ValueTask<ExecutionRecord> SaveAsync(ExecutionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = CheckId(record.ExecutionId);
        using var fileLock = await AcquireLockAsync(id, cancellationToken).ConfigureAwait(false);

        var path = GetRecordPath(id);
        long currentRevision;
        var replaceNewest = false;
        try
        {
            var (current, _) = await ReadNewestAsync(id, cancellationToken).ConfigureAwait(false);
            currentRevision = current?.Revision ?? 0;
            replaceNewest = current is not null;
        }
        catch (ExecutionStoreCorruptedException corrupted) when (corrupted.LastGoodRecord is { } lastGood)
        {
            // Repair: the intact previous revision counts as current; the damaged file is set aside, never rotated into .prev.
            currentRevision = lastGood.Revision;
            if (File.Exists(path))
            {
                File.Move(path, path + ".corrupt", overwrite: true);
            }
        }

        if (currentRevision != record.Revision)
        {
            throw new ExecutionConflictException(id, record.Revision, currentRevision);
        }

        var saved = record with { Revision = currentRevision + 1 };
        var temp = path + ".tmp";
        await WriteDurablyAsync(temp, Encode(saved), cancellationToken).ConfigureAwait(false);
        if (replaceNewest)
        {
            File.Replace(temp, path, path + PreviousSuffix, ignoreMetadataErrors: true);
        }
        else
        {
            File.Move(temp, path, overwrite: true);
        }

        return saved;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(string? crewName = null, CancellationToken cancellationToken = default)
    {
        var list = new List<ExecutionRecord>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = Path.GetFileNameWithoutExtension(file);
            ExecutionRecord? record;
            try
            {
                (record, _) = await ReadNewestAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (ExecutionStoreCorruptedException)
            {
                continue;
            }

            if (record is not null && (crewName is null || string.Equals(record.CrewName, crewName, StringComparison.Ordinal)))
            {
                list.Add(record);
            }
        }

        list.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return list;
    }

    private async Task<(ExecutionRecord? Record, string Path)> ReadNewestAsync(string id, CancellationToken cancellationToken)
    {
        var path = GetRecordPath(id);
        var previousPath = path + PreviousSuffix;
        var (record, reason) = await TryReadAsync(id, path, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            return (record, path);
        }

        if (reason is null)
        {
            // No newest file. Writes replace it in one rename, so a lone .prev means the newest revision was lost.
            if (!File.Exists(previousPath))
            {
                return (null, path);
            }

            reason = "the file of the newest revision is missing; only the previous revision remains";
        }

        var (previous, _) = await TryReadAsync(id, previousPath, cancellationToken).ConfigureAwait(false);
        throw new ExecutionStoreCorruptedException(id, path, reason, previous);
    }

    // The record when the file is intact; a reason when it is damaged; neither when it is absent.
    private static async Task<(ExecutionRecord? Record, string? Reason)> TryReadAsync(string id, string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }

        var reason = Decode(id, bytes, out var record);
        return (record, reason);
    }

    private static string? Decode(string id, byte[] bytes, out ExecutionRecord? record)
    {
        record = null;
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0)
        {
            return bytes.Length == 0 ? "the file is empty" : "the header line is missing or truncated";
        }

        var header = Encoding.ASCII.GetString(bytes, 0, newline).Split(' ');
        if (header.Length != 4 || header[0] + " " + header[1] != Magic
            || !header[2].StartsWith("sha256=", StringComparison.Ordinal) || !header[3].StartsWith("length=", StringComparison.Ordinal)
            || !int.TryParse(header[3].AsSpan("length=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return "the header line is not an Amsha execution header";
        }

        var payload = bytes.AsSpan(newline + 1);
        if (payload.Length != length)
        {
            return $"the content is {(payload.Length < length ? "truncated" : "longer than recorded")}: expected {length} bytes, found {payload.Length}";
        }

        return ExecutionRecordSerializer.Verify(id, payload, header[2].Substring("sha256=".Length), out record);
    }

    private static byte[] Encode(ExecutionRecord record)
    {
        var payload = ExecutionRecordSerializer.SerializeToUtf8(record);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic} sha256={ExecutionRecordSerializer.Checksum(payload)} length={payload.Length}\n"));
        var bytes = new byte[header.Length + payload.Length];
        header.CopyTo(bytes, 0);
        payload.CopyTo(bytes, header.Length);
        return bytes;
    }

    private static async Task WriteDurablyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);

        // The data reaches the disk before the rename makes it the newest revision (.NET has no asynchronous fsync).
        stream.Flush(flushToDisk: true);
    }

    private async Task<FileStream> AcquireLockAsync(string id, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(Directory, id + ".lock");
        var deadline = _time.GetUtcNow() + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetUtcNow() < deadline)
            {
                // Another writer (this process or another) holds the lock; it is released in milliseconds.
                await Task.Delay(LockRetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string CheckId(string executionId)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        if (executionId.Length == 0 || executionId.Length > 128)
        {
            throw new ArgumentException("An execution id has 1 to 128 characters.", nameof(executionId));
        }

        foreach (var c in executionId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                throw new ArgumentException($"Execution id '{executionId}' holds '{c}'; ids stored in files use ASCII letters, digits, '-' and '_'.", nameof(executionId));
            }
        }

        return executionId;
    }
}
