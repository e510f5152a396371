using System.Linq;
using CsCheck;

namespace Amsha.Generators.Tests.Robustness.Fuzzing;

/// <summary>
/// CsCheck generators of <see cref="DeclarationProgram"/>s. Sizes stay small so each case runs in
/// milliseconds; the shapes are what matter: recursive and expanding generic type graphs, context
/// cycles, missing types, and templates with unbalanced braces.
/// </summary>
internal static class ProgramGenerators
{
    /// <summary>Index <see cref="MaxTypes"/> names a type that is not declared; the others name declared ones.</summary>
    public const int MaxTypes = 6;

    /// <summary>Index <see cref="MaxTasks"/> names a task that is not declared; the others name declared ones.</summary>
    public const int MaxTasks = 6;

    /// <summary>Toolboxes in a program; an index at this value names a missing type or one that is not a toolbox.</summary>
    public const int MaxToolboxes = 2;

    // Mostly a declared type, sometimes the missing one: a program names many types, and one missing name is
    // enough to stop it compiling, which would leave the generated code unchecked.
    private static readonly Gen<int> TypeIndex = Gen.Frequency((12, Gen.Int[0, MaxTypes - 1]), (1, Gen.Const(MaxTypes)));

    private static readonly Gen<TypeRef> ScalarRef =
        Gen.OneOf("string", "int", "long", "double", "decimal", "bool", "DateTime", "DateTimeOffset", "Guid", "TimeSpan", "object", "int?")
            .Select(name => (TypeRef)new Scalar(name));

    private static readonly Gen<TypeRef> LeafRef = Gen.Frequency(
        (4, ScalarRef),
        (3, TypeIndex.Select(index => (TypeRef)new Named(index, null))),
        (2, Gen.Const((TypeRef)new Parameter())));

    /// <summary>Type expressions up to three levels deep: lists, arrays, maps, nullables and generic arguments.</summary>
    public static readonly Gen<TypeRef> AnyTypeRef = TypeRefs(3);

    private static readonly Gen<string> Piece = Gen.Frequency(
        (6, Gen.OneOf("Work on ", "the ", "report", " and ", ".", "\n", "\"quoted\"", "C:\\path", "ünïcødé ", "\t")),
        (5, Gen.OneOf("{Topic}", "{Audience}", "{topic}", "{Count}", "{Nope}", "{ Topic }", "{Topic.Length}", "{0}", "{@Topic}", "{Topic:x}")),
        (4, Gen.OneOf("{", "}", "{{", "}}", "{}", "{{Topic}}", "}{", "{{{", "}}}", "{Topic", "Topic}")),
        (1, Gen.Int[1, 400].Select(n => string.Concat(Enumerable.Repeat("ab{", n)))),
        (1, Gen.Int[1, 200].Select(n => string.Concat(Enumerable.Repeat("{Topic}", n)))),
        (1, Gen.Int[1, 2000].Select(n => new string('x', n))));

    public static readonly Gen<Template> AnyTemplate = Piece.Array[0, 8].Select(pieces => new Template(pieces));

    private static readonly Gen<TypeShape> AnyType = Gen.Select(
        Gen.Enum<TypeKind>(), Gen.Frequency((3, Gen.Const(false)), (2, Gen.Const(true))), AnyTypeRef.Array[0, 5],
        (kind, generic, members) => new TypeShape(kind, generic, members));

    private static readonly Gen<AgentShape> AnyAgent = Gen.Select(
        AnyTemplate, AnyTemplate, AnyTemplate, Gen.OneOf<string?>(null, null, "creative", "", "{Topic}"),
        Gen.Frequency((3, Gen.Const(System.Array.Empty<int>())), (2, Gen.Int[0, MaxToolboxes].Array[1, 2])),
        (role, goal, backstory, llm, tools) => new AgentShape(role, goal, backstory, llm, tools));

    private static readonly Gen<ToolShape> AnyTool = Gen.Select(
        AnyTypeRef.Array[0, 3],
        Gen.Bool,
        Gen.Bool,
        Gen.Frequency((1, Gen.Const((TypeRef?)null)), (3, AnyTypeRef.Select(t => (TypeRef?)t))),
        Gen.Int[0, 4],
        Gen.OneOf<string?>(null, null, null, "search", "", "a b", "Tool0"),
        AnyTemplate,
        (parameters, optional, cancelable, result, returns, name, description) => new ToolShape(parameters, optional && parameters.Length > 0, cancelable, result, returns, name, description));

    private static readonly Gen<ToolboxShape> AnyToolbox = Gen.Select(
        Gen.Frequency((6, Gen.Const(true)), (1, Gen.Const(false))), AnyTool.Array[0, 3], Gen.Frequency((8, Gen.Const(false)), (1, Gen.Const(true))),
        (partial, tools, ownCreateAIFunctions) => new ToolboxShape(partial, tools, ownCreateAIFunctions));

    private static readonly Gen<TaskShape> AnyTask = Gen.Select(
        Gen.Frequency((2, Gen.Const((TypeRef?)null)), (3, AnyTypeRef.Select(t => (TypeRef?)t))),
        Gen.Frequency((8, Gen.Int[0, 2]), (1, Gen.Int[-1, 5])),
        AnyTemplate,
        AnyTemplate,
        Gen.Int[0, MaxTasks].Array[0, 3],
        Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[-2, 5])),
        (output, agent, description, expected, context, repairs) => new TaskShape(output, agent, description, expected, context, repairs));

    private static readonly Gen<CrewShape> AnyCrew = Gen.Select(
        Gen.Frequency((5, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.Int[0, MaxTasks].Array[0, 7],
        Gen.Bool,
        (typed, tasks, graph) => new CrewShape(typed, tasks, graph));

    private static readonly Gen<InputShape> AnyInput = Gen.Select(
        Gen.OneOf("Topic", "Audience", "Count", "topic", "Notes", "Level").Array[0, 4].Select(names => names.Distinct().ToArray()),
        ScalarRef.Array[4],
        (names, types) => new InputShape(names.Select((name, i) => (name, types[i])).ToArray()));

    private static readonly Gen<CallShape> AnyCall = Gen.Select(
        Gen.Frequency((1, Gen.Const((TypeRef?)null)), (3, AnyTypeRef.Select(t => (TypeRef?)t))), AnyTemplate,
        (result, prompt) => new CallShape(result, prompt));

    /// <summary>Well-formed programs: every declaration parses, though types may be missing or cyclic.</summary>
    public static readonly Gen<DeclarationProgram> Pristine = Programs(Gen.Const(System.Array.Empty<TokenEdit>()));

    /// <summary>Programs with one to four tokens deleted or inserted, as while typing.</summary>
    public static readonly Gen<DeclarationProgram> Edited = Programs(Gen.Select(
        Gen.Int[0, 100_000],
        Gen.Frequency(
            (3, Gen.Const((string?)null)),
            (4, Gen.OneOf<string?>("{", "}", "(", ")", "<", ">", "[", "]", ",", ";", "\"", "?", "=", ".", "typeof(", "partial", "class", "record", "static", "[Crew(", "FzType0", "FzTask0", "List<", "<T>", "where T :", "\"{"))),
        (position, insert) => new TokenEdit(position, insert)).Array[1, 4]);

    private static Gen<DeclarationProgram> Programs(Gen<TokenEdit[]> edits) => Gen.Select(
        AnyInput,
        AnyType.Array[0, MaxTypes],
        AnyAgent.Array[0, 3],
        AnyTask.Array[0, MaxTasks],
        AnyCrew.Array[0, 2],
        Gen.Frequency((3, Gen.Const((TypeRef[]?)null)), (1, AnyTypeRef.Array[0, 4].Select(m => (TypeRef[]?)m))),
        Gen.Select(AnyCall.Array[0, 3], AnyToolbox.Array[0, MaxToolboxes], (calls, toolboxes) => (calls, toolboxes)),
        edits,
        (input, types, agents, tasks, crews, state, more, tokenEdits) => new DeclarationProgram(input, types, agents, tasks, crews, state, more.calls, more.toolboxes, tokenEdits));

    private static Gen<TypeRef> TypeRefs(int depth)
    {
        if (depth == 0)
        {
            return LeafRef;
        }

        var inner = TypeRefs(depth - 1);
        return Gen.Frequency(
            (6, LeafRef),
            (2, Gen.Select(TypeIndex, inner, (index, argument) => (TypeRef)new Named(index, argument))),
            (2, inner.Select(item => (TypeRef)new ListOf(item))),
            (1, inner.Select(item => (TypeRef)new ArrayOf(item))),
            (1, inner.Select(value => (TypeRef)new MapOf(value))),
            (1, inner.Select(value => (TypeRef)new NullableOf(value))));
    }
}
