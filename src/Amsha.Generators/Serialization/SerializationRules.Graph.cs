using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    /// <summary>
    /// The serializable types of one compilation, shared by everything that asks about it: the serializer, crew
    /// and LLM-call generators in one generator run, or the AMSHA010 analyzer's symbol actions. Each type is
    /// described once, when first reached; a root then walks the described types with an explicit stack, so
    /// neither a deep chain of records nor many roots over the same types multiplies the work.
    /// </summary>
    /// <remarks>
    /// Kept per <see cref="Compilation"/> (<see cref="PerCompilation{T}"/>) and used under a lock: analyzers run
    /// concurrently. A description is stored only once complete, so a canceled walk leaves nothing half-done.
    /// </remarks>
    private sealed partial class TypeGraph
    {
        private readonly object _gate = new();
        private readonly Compilation _compilation;
        private readonly Expansion _expansion;

        // Nullable annotations of type arguments matter (Box<string?> reads null, Box<string> does not); both
        // share one codec name, and each root's walk keeps the first it meets, as the emitted output does.
        private readonly Dictionary<ITypeSymbol, TypeNode> _nodes = new(SymbolEqualityComparer.IncludeNullability);

        private TypeGraph(Compilation compilation)
        {
            _compilation = compilation;
            _expansion = new Expansion(compilation, Work);
        }

        public SerializationWork Work { get; } = new();

        public static TypeGraph For(Compilation compilation) => PerCompilation<TypeGraph>.Get(compilation, static c => new TypeGraph(c));

        public SerializationAnalysis Analyze(ITypeSymbol root, SerializationRoot kind, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var (shape, steps, rootPath) = Root(root, kind, cancellationToken);
                var problems = new List<SerializationProblem>();
                var closure = Walk(steps, rootPath, problems, cancellationToken);
                if (shape is null || problems.Count > 0)
                {
                    return new SerializationAnalysis(shape, new List<SerializableTypeModel>(), problems);
                }

                var models = new List<SerializableTypeModel>(closure.Count + 1);
                foreach (var node in closure)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    models.Add(Model(node, cancellationToken));
                }

                if (IsCollection(root))
                {
                    models.Add(CollectionModel(root, shape, cancellationToken));
                }

                return new SerializationAnalysis(shape, models, problems);
            }
        }

        public bool IsSerializable(ITypeSymbol root, SerializationRoot kind, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var (shape, steps, _) = Root(root, kind, cancellationToken);
                if (shape is null || steps.HasProblems)
                {
                    return false;
                }

                foreach (var step in steps.Steps)
                {
                    if (!ClosureIsSerializable(step.Use!, cancellationToken))
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        private TypeNode Node(INamedTypeSymbol type)
        {
            var key = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            if (!_nodes.TryGetValue(key, out var node))
            {
                node = new TypeNode((INamedTypeSymbol)key, CodecName(key));
                _nodes.Add(key, node);
            }

            return node;
        }

        private Description Described(TypeNode node, CancellationToken cancellationToken) =>
            node.Description ??= Describe(node, cancellationToken);

        // The root's own reference: its shape, the types it uses, and where its paths start.
        private (TypeShape? Shape, Description Steps, string Path) Root(ITypeSymbol root, SerializationRoot kind, CancellationToken cancellationToken)
        {
            var steps = new Description();
            if (NestingDepth(root, MaxNesting) > MaxNesting)
            {
                return (steps.Problem("", TooDeep(root)), steps, Abbreviate(root));
            }

            var rootPath = IsCollection(root) ? root.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) : root.Name.Length > 0 ? root.Name : root.ToDisplayString();
            var shape = RootProblem(root, kind) is { } reason
                ? steps.Problem("", reason)
                : Shape(root.WithNullableAnnotation(NullableAnnotation.NotAnnotated), "", steps, cancellationToken);
            return (shape, steps, rootPath);
        }

        /// <summary>
        /// Walks from a root's steps depth-first in member order, as a recursive walk would, but on an explicit
        /// stack: describes each type when first met, returns them in that order (each codec once) and adds every
        /// problem with its member path. Paths are spelled only for problems.
        /// </summary>
        private List<TypeNode> Walk(Description rootSteps, string rootPath, List<SerializationProblem> problems, CancellationToken cancellationToken)
        {
            var closure = new List<TypeNode>();
            var seen = new HashSet<string>();
            var stack = new Stack<WalkFrame>();
            stack.Push(new WalkFrame(null, rootPath, rootSteps));
            while (stack.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var frame = stack.Peek();
                if (frame.Next == frame.Steps.Steps.Count)
                {
                    stack.Pop();
                    continue;
                }

                var step = frame.Steps.Steps[frame.Next++];
                Work.RootWalkSteps++;
                if (step.Reason is { } reason)
                {
                    problems.Add(new SerializationProblem(frame.Path(step.Suffix), reason));
                }
                else if (seen.Add(step.Use!.CodecName))
                {
                    closure.Add(step.Use);
                    stack.Push(new WalkFrame(frame, step.Suffix, Described(step.Use, cancellationToken)));
                }
            }

            return closure;
        }

        /// <summary>
        /// Whether <paramref name="start"/> and everything it reaches can be serialized, remembered for every type
        /// on the way. The types not yet decided are grouped into strongly connected components (a type that
        /// reaches itself is serializable when its whole cycle is); Tarjan numbers each component after all
        /// those it reaches, so one pass in that order decides them.
        /// </summary>
        private bool ClosureIsSerializable(TypeNode start, CancellationToken cancellationToken)
        {
            if (start.ClosureIsSerializable is { } known)
            {
                return known;
            }

            var nodes = new List<TypeNode> { start };
            var indexOf = new Dictionary<TypeNode, int> { [start] = 0 };
            var successors = new List<List<int>>();
            for (var i = 0; i < nodes.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var next = new List<int>();
                foreach (var step in Described(nodes[i], cancellationToken).Steps)
                {
                    if (step.Use is { ClosureIsSerializable: null } use)
                    {
                        if (!indexOf.TryGetValue(use, out var at))
                        {
                            indexOf.Add(use, at = nodes.Count);
                            nodes.Add(use);
                        }

                        next.Add(at);
                    }
                }

                successors.Add(next);
            }

            var component = Components(nodes.Count, i => successors[i], cancellationToken);
            var serializable = Enumerable.Repeat(true, component.Length == 0 ? 0 : component.Max() + 1).ToArray();
            for (var i = 0; i < nodes.Count; i++)
            {
                foreach (var step in nodes[i].Description!.Steps)
                {
                    serializable[component[i]] &= step.Reason is null && step.Use is not { ClosureIsSerializable: false };
                }
            }

            // Components in the order they were completed: those a component uses come first.
            var order = Enumerable.Range(0, nodes.Count).OrderBy(i => component[i]).ToList();
            foreach (var i in order)
            {
                foreach (var successor in successors[i])
                {
                    if (component[successor] != component[i])
                    {
                        serializable[component[i]] &= serializable[component[successor]];
                    }
                }
            }

            for (var i = 0; i < nodes.Count; i++)
            {
                nodes[i].ClosureIsSerializable = serializable[component[i]];
            }

            return start.ClosureIsSerializable!.Value;
        }

        /// <summary>A described type on the walk's stack: where it was reached from, and the next of its steps.</summary>
        private sealed class WalkFrame(WalkFrame? parent, string suffix, Description steps)
        {
            public WalkFrame? Parent { get; } = parent;

            /// <summary>The member path of this type below its parent (for the root: the root's name).</summary>
            public string Suffix { get; } = suffix;

            public Description Steps { get; } = steps;

            public int Next { get; set; }

            /// <summary>The member path of <paramref name="stepSuffix"/> below this type, from the root.</summary>
            public string Path(string stepSuffix)
            {
                var parts = new List<string> { stepSuffix };
                for (var frame = this; frame is not null; frame = frame.Parent)
                {
                    parts.Add(frame.Suffix);
                }

                var path = new StringBuilder();
                for (var i = parts.Count - 1; i >= 0; i--)
                {
                    path.Append(parts[i]);
                }

                return path.ToString();
            }
        }
    }
}
