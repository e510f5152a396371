// Shared source: compiled into the generator (netstandard2.0) and the runtime (net8.0).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;

namespace Amsha.Definitions;

/// <summary>An entry of a definition file and the path of that file.</summary>
internal sealed record Located<T>(T Entry, string Path);

/// <summary>A crew's step with what it refers to found.</summary>
/// <param name="Step">The step as written.</param>
/// <param name="Task">The task it names (by name or by file); null when there is none (the consumer reports it).</param>
/// <param name="Agent">The agent: the step's own, else the task's <c>agent</c>; null when there is none.</param>
/// <param name="AgentReference">The text that named the agent (the step's <c>agent</c>/<c>agent_file</c>, else the task's <c>agent</c>), for diagnostics.</param>
internal sealed record CatalogStep(CrewStep Step, Located<TaskEntry>? Task, Located<AgentEntry>? Agent, DefinedText? AgentReference);

/// <summary>A crew with its steps resolved.</summary>
/// <param name="Entry">The crew as written.</param>
/// <param name="Path">The path of the file that defines it.</param>
/// <param name="Steps">Its steps, in order, with their tasks and agents found.</param>
internal sealed record CatalogCrew(CrewEntry Entry, string Path, IReadOnlyList<CatalogStep> Steps);

/// <summary>
/// The definitions of a set of files, merged: agents and tasks by name, crews with their steps resolved, and every
/// problem of the files and of the merge (a name defined twice, a <c>task_file</c> that is not one of the files).
/// </summary>
/// <remarks>
/// Never throws (but for cancellation). Names are compared ordinally and the first definition of a name wins.
/// File references are relative to the crew file's directory and may not leave it: definition files are data
/// and may only point at other definition files of the same set, never anywhere else on disk.
/// </remarks>
internal sealed class DefinitionCatalog
{
    private DefinitionCatalog(
        IReadOnlyList<DefinitionDocument> documents,
        IReadOnlyList<DefinitionProblem> problems,
        IReadOnlyDictionary<string, Located<AgentEntry>> agents,
        IReadOnlyDictionary<string, Located<TaskEntry>> tasks,
        IReadOnlyList<CatalogCrew> crews)
    {
        Documents = documents;
        Problems = problems;
        Agents = agents;
        Tasks = tasks;
        Crews = crews;
    }

    /// <summary>The documents the catalog was built from, in order.</summary>
    public IReadOnlyList<DefinitionDocument> Documents { get; }

    /// <summary>Every document's problems, then the merge's: duplicate names, then file references.</summary>
    public IReadOnlyList<DefinitionProblem> Problems { get; }

    /// <summary>Agents by name (ordinal); the first definition of a name.</summary>
    public IReadOnlyDictionary<string, Located<AgentEntry>> Agents { get; }

    /// <summary>Tasks by name (ordinal); the first definition of a name.</summary>
    public IReadOnlyDictionary<string, Located<TaskEntry>> Tasks { get; }

    /// <summary>Crews in the order of their files and definitions; a crew whose name is taken is left out.</summary>
    public IReadOnlyList<CatalogCrew> Crews { get; }

    /// <summary>Merges the documents of a set of definition files.</summary>
    public static DefinitionCatalog Build(IReadOnlyList<DefinitionDocument> documents, CancellationToken cancellationToken = default)
    {
        var usable = new List<DefinitionDocument>();
        foreach (var document in documents ?? Array.Empty<DefinitionDocument>())
        {
            if (document is not null)
            {
                usable.Add(document);
            }
        }

        var problems = new List<DefinitionProblem>();
        foreach (var document in usable)
        {
            problems.AddRange(document.Problems ?? Array.Empty<DefinitionProblem>());
        }

        var agents = new Dictionary<string, Located<AgentEntry>>(StringComparer.Ordinal);
        var tasks = new Dictionary<string, Located<TaskEntry>>(StringComparer.Ordinal);
        var crewNames = new Dictionary<string, Located<CrewEntry>>(StringComparer.Ordinal);
        var byFile = new Dictionary<string, DefinitionDocument>(StringComparer.Ordinal);
        var crews = new List<Located<CrewEntry>>();
        foreach (var document in usable)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = NormalizePath(document.Path ?? string.Empty);
            if (!byFile.ContainsKey(key))
            {
                byFile.Add(key, document);
            }

            foreach (var agent in document.Agents ?? Array.Empty<AgentEntry>())
            {
                AddUnique(agents, "Agent", agent.Name, agent.NameRange, new Located<AgentEntry>(agent, document.Path ?? string.Empty), static a => a.Entry.NameRange, problems);
            }

            foreach (var task in document.Tasks ?? Array.Empty<TaskEntry>())
            {
                AddUnique(tasks, "Task", task.Name, task.NameRange, new Located<TaskEntry>(task, document.Path ?? string.Empty), static t => t.Entry.NameRange, problems);
            }

            foreach (var crew in document.Crews ?? Array.Empty<CrewEntry>())
            {
                var located = new Located<CrewEntry>(crew, document.Path ?? string.Empty);
                if (AddUnique(crewNames, "Crew", crew.Name, crew.NameRange, located, static c => c.Entry.NameRange, problems))
                {
                    crews.Add(located);
                }
            }
        }

        var resolver = new Resolver(agents, tasks, byFile, problems);
        var catalogCrews = new List<CatalogCrew>(crews.Count);
        foreach (var crew in crews)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var steps = new List<CatalogStep>(crew.Entry.Steps.Count);
            foreach (var step in crew.Entry.Steps)
            {
                steps.Add(resolver.Resolve(step, crew.Path));
            }

            catalogCrews.Add(new CatalogCrew(crew.Entry, crew.Path, steps));
        }

        return new DefinitionCatalog(usable, problems, agents, tasks, catalogCrews);
    }

    /// <summary>Adds a definition unless its name is taken; a second definition is a <see cref="DefinitionProblemKind.DuplicateName"/> problem.</summary>
    private static bool AddUnique<T>(
        Dictionary<string, Located<T>> byName,
        string kind,
        string name,
        TextRange range,
        Located<T> located,
        Func<Located<T>, TextRange> rangeOf,
        List<DefinitionProblem> problems)
    {
        if (!byName.TryGetValue(name, out var first))
        {
            byName.Add(name, located);
            return true;
        }

        problems.Add(new DefinitionProblem(
            DefinitionProblemKind.DuplicateName,
            located.Path,
            range,
            string.Format(
                CultureInfo.InvariantCulture,
                "{0} '{1}' is defined twice: first in {2} at line {3}; this definition is ignored. Rename one of them.",
                kind,
                name,
                first.Path,
                rangeOf(first).Start.Line)));
        return false;
    }

    /// <summary>
    /// A path with <c>/</c> separators, <c>.</c> segments removed and <c>name/..</c> pairs collapsed, so paths
    /// written differently compare equal (ordinally).
    /// </summary>
    internal static string NormalizePath(string path)
    {
        var rooted = path.StartsWith("/", StringComparison.Ordinal) || path.StartsWith("\\", StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (var segment in path.Split('/', '\\'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else
            {
                segments.Add(segment);
            }
        }

        return (rooted ? "/" : string.Empty) + string.Join("/", segments);
    }

    /// <summary>Finds what steps refer to, reporting file references that cannot be followed.</summary>
    private sealed class Resolver
    {
        private readonly Dictionary<string, Located<AgentEntry>> agents;
        private readonly Dictionary<string, Located<TaskEntry>> tasks;
        private readonly Dictionary<string, DefinitionDocument> byFile;
        private readonly List<DefinitionProblem> problems;

        public Resolver(
            Dictionary<string, Located<AgentEntry>> agents,
            Dictionary<string, Located<TaskEntry>> tasks,
            Dictionary<string, DefinitionDocument> byFile,
            List<DefinitionProblem> problems)
        {
            this.agents = agents;
            this.tasks = tasks;
            this.byFile = byFile;
            this.problems = problems;
        }

        public CatalogStep Resolve(CrewStep step, string crewPath)
        {
            Located<TaskEntry>? task;
            Located<AgentEntry>? agent = null;
            if (step.IsFileReference)
            {
                task = FromFile(step.Task, "task_file", crewPath, static d => d.Tasks, "task");
                if (step.Agent is not null)
                {
                    agent = FromFile(step.Agent, "agent_file", crewPath, static d => d.Agents, "agent");
                }
            }
            else
            {
                task = tasks.TryGetValue(step.Task.Value, out var named) ? named : null;
            }

            var agentReference = step.Agent ?? task?.Entry.Agent;
            if (step.Agent is null && agentReference is not null)
            {
                agent = ByName(agentReference);
            }
            else if (step.Agent is not null && !step.IsFileReference)
            {
                agent = ByName(step.Agent);
            }

            return new CatalogStep(step, task, agent, agentReference);
        }

        private Located<AgentEntry>? ByName(DefinedText name) =>
            agents.TryGetValue(name.Value, out var found) ? found : null;

        /// <summary>The one entry of the definition file a step refers to, or null (with a problem).</summary>
        private Located<T>? FromFile<T>(DefinedText reference, string key, string crewPath, Func<DefinitionDocument, IReadOnlyList<T>?> entriesOf, string kind)
        {
            var written = reference.Value.Trim();
            if (written.Length == 0)
            {
                return Fail($"{key} is empty; write the path of a one-{kind} file, relative to {crewPath}.");
            }

            if (IsAbsolute(written))
            {
                return Fail($"{key} '{written}' is an absolute path; write it relative to the directory of {crewPath}, inside it.");
            }

            var relative = Relative(written);
            if (relative is null)
            {
                return Fail($"{key} '{written}' leaves the directory of {crewPath}; definition files may only refer to files in their own directory or below it.");
            }

            var crewFile = NormalizePath(crewPath);
            var full = crewFile.Substring(0, crewFile.LastIndexOf('/') + 1) + relative;
            if ((byFile.TryGetValue(full, out var besideCrew) ? besideCrew : BySuffix(relative)) is not { } document)
            {
                return Fail($"{key} '{written}' is not one of the definition files (looked for '{full}'). Add the file to the definition files or correct the path.");
            }

            var entries = entriesOf(document) ?? Array.Empty<T>();
            if (entries.Count != 1)
            {
                return Fail(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0} '{1}' declares {2} {3}s; a {0} must declare exactly one {3}.",
                    key,
                    written,
                    entries.Count,
                    kind));
            }

            return new Located<T>(entries[0], document.Path ?? string.Empty);

            Located<T>? Fail(string message)
            {
                problems.Add(new DefinitionProblem(DefinitionProblemKind.FileReference, crewPath, reference.Range, message));
                return null;
            }
        }

        // Python Amsha wrote these paths from the project's working directory (config/tasks/x.yaml): the one
        // definition file whose path and the reference end alike, segment by segment, is the one meant.
        private DefinitionDocument? BySuffix(string relative)
        {
            DefinitionDocument? found = null;
            foreach (var pair in byFile)
            {
                var path = pair.Key;
                var matches = path.EndsWith("/" + relative, StringComparison.Ordinal) || path == relative
                    || relative.EndsWith("/" + path.TrimStart('/'), StringComparison.Ordinal);
                if (matches)
                {
                    if (found is not null)
                    {
                        return null;
                    }

                    found = pair.Value;
                }
            }

            return found;
        }

        private static bool IsAbsolute(string path) =>
            path[0] is '/' or '\\' or '~' || (path.Length >= 2 && path[1] == ':');

        /// <summary>The normalized relative path, or null when <c>..</c> would leave the directory.</summary>
        private static string? Relative(string path)
        {
            var segments = new List<string>();
            foreach (var segment in path.Split('/', '\\'))
            {
                if (segment.Length == 0 || segment == ".")
                {
                    continue;
                }

                if (segment == "..")
                {
                    if (segments.Count == 0)
                    {
                        return null;
                    }

                    segments.RemoveAt(segments.Count - 1);
                }
                else
                {
                    segments.Add(segment);
                }
            }

            return string.Join("/", segments);
        }
    }
}
