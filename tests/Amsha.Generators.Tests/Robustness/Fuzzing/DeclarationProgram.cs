using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.Generators.Tests.Robustness.Fuzzing;

/// <summary>
/// A random Amsha program as its shape: types, agents, tasks, crews, state and LLM calls, plus
/// token edits applied to the rendered text. Indices that point past a table render as missing
/// types, so broken references are part of the space, as in half-typed code.
/// </summary>
internal sealed record DeclarationProgram(
    InputShape Input,
    TypeShape[] Types,
    AgentShape[] Agents,
    TaskShape[] Tasks,
    CrewShape[] Crews,
    TypeRef[]? StateMembers,
    CallShape[] Calls,
    ToolboxShape[] Toolboxes,
    TokenEdit[] Edits)
{
    public string Render()
    {
        var text = new StringBuilder("""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Amsha;

            namespace Fuzz;

            """);

        text.Append("public sealed record FzInput(").Append(string.Join(", ", Input.Members.Select(m => $"{Render(m.Type)} {m.Name}"))).AppendLine(");");
        for (var i = 0; i < Types.Length; i++)
        {
            RenderType(text, i);
        }

        for (var i = 0; i < Agents.Length; i++)
        {
            var agent = Agents[i];
            text.Append($"[Agent(Role = {agent.Role.Literal()}, Goal = {agent.Goal.Literal()}, Backstory = {agent.Backstory.Literal()}");
            text.Append(agent.Llm is null ? "" : $", Llm = \"{agent.Llm}\"");
            text.Append(agent.Tools.Length == 0 ? "" : $", Tools = [{string.Join(", ", agent.Tools.Select(ToolboxType))}]").AppendLine($")] public partial class FzAgent{i};");
        }

        for (var i = 0; i < Tasks.Length; i++)
        {
            var task = Tasks[i];
            text.Append(task.Output is null ? "[CrewTask(" : $"[CrewTask<{Render(task.Output)}>(");
            var arguments = new List<string>();
            if (task.Agent >= 0)
            {
                arguments.Add($"Agent = typeof({(task.Agent <= 2 && Agents.Length > 0 ? $"FzAgent{task.Agent % Agents.Length}" : "FzMissingAgent")})");
            }

            arguments.Add($"Description = {task.Description.Literal()}");
            arguments.Add($"ExpectedOutput = {task.ExpectedOutput.Literal()}");
            if (task.Context.Length > 0)
            {
                arguments.Add($"Context = [{string.Join(", ", task.Context.Select(TaskType))}]");
            }

            if (task.OutputRepairs != 0)
            {
                arguments.Add($"OutputRepairs = {task.OutputRepairs}");
            }

            text.Append(string.Join(", ", arguments)).AppendLine($")] public partial class FzTask{i};");
        }

        for (var i = 0; i < Crews.Length; i++)
        {
            var crew = Crews[i];
            text.Append(crew.Typed ? "[Crew<FzInput>(" : "[Crew(").Append($"Tasks = [{string.Join(", ", crew.Tasks.Select(TaskType))}]");
            text.Append(crew.Graph ? ", Process = CrewProcess.Graph" : "").AppendLine($")] public partial class FzCrew{i};");
        }

        if (StateMembers is not null)
        {
            text.AppendLine("[ExecutionState] public partial class FzState").AppendLine("{");
            for (var m = 0; m < StateMembers.Length; m++)
            {
                text.AppendLine($"    public {Render(StateMembers[m])} S{m} {{ get; set; }} = default!;");
            }

            text.AppendLine("}");
        }

        if (Calls.Length > 0)
        {
            text.AppendLine("public partial class FzCalls(ExecutionSession session)").AppendLine("{");
            for (var i = 0; i < Calls.Length; i++)
            {
                var call = Calls[i];
                var result = call.Result is null ? "string" : Render(call.Result);
                text.AppendLine($"    [AmshaLlmCall(Prompt = {call.Prompt.Literal()})]");
                text.AppendLine($"    public partial Task<{result}> Call{i}Async(string topic, int count, CancellationToken cancellationToken = default);");
            }

            text.AppendLine("}");
        }

        for (var i = 0; i < Toolboxes.Length; i++)
        {
            RenderToolbox(text, i);
        }

        return ApplyEdits(text.ToString());
    }

    public override string ToString() => Render();

    private void RenderToolbox(StringBuilder text, int index)
    {
        var toolbox = Toolboxes[index];
        text.AppendLine($"[Toolbox] public {(toolbox.Partial ? "partial " : "")}class FzTools{index}").AppendLine("{");
        if (toolbox.DeclaresCreateAIFunctions)
        {
            // The generated method's name, declared by the user too: the generator must leave its own out.
            text.AppendLine("    public string CreateAIFunctions() => \"\";");
        }

        for (var t = 0; t < toolbox.Tools.Length; t++)
        {
            var tool = toolbox.Tools[t];
            var parameters = tool.Parameters.Select((p, i) => $"{Render(p)} a{i}{(tool.OptionalLast && i == tool.Parameters.Length - 1 ? " = default" : "")}").ToList();
            if (tool.Cancelable)
            {
                parameters.Add("CancellationToken cancellationToken = default");
            }

            var result = tool.Result is null ? "string" : Render(tool.Result);
            var (returns, body) = tool.Return switch
            {
                0 => ("void", "{ }"),
                1 => (result, "=> default!;"),
                2 => ("Task", "=> Task.CompletedTask;"),
                3 => ($"Task<{result}>", $"=> Task.FromResult<{result}>(default!);"),
                _ => ($"ValueTask<{result}>", "=> default;"),
            };
            var attribute = $"Description = {tool.Description.Literal()}" + (tool.Name is null ? "" : $", Name = \"{tool.Name}\"");
            text.AppendLine($"    [Tool({attribute})] public {returns} Tool{t}Async({string.Join(", ", parameters)}) {body}");
        }

        text.AppendLine("}");
    }

    // Toolbox references mostly name a declared toolbox; the last indexes name a missing type or one that is not a toolbox.
    private string ToolboxType(int index) => index < ProgramGenerators.MaxToolboxes && Toolboxes.Length > 0 ? $"typeof(FzTools{index % Toolboxes.Length})" : index % 2 == 0 ? "typeof(FzMissingTools)" : "typeof(FzInput)";

    private void RenderType(StringBuilder text, int index)
    {
        var type = Types[index];
        var (container, simpleName) = TypeName(index);
        var name = simpleName + (type.Generic ? "<T>" : "");
        if (container is not null)
        {
            text.AppendLine($"public static partial class {container}").AppendLine("{");
        }

        var isStruct = type.Kind is TypeKind.Struct or TypeKind.RecordStruct;
        var members = type.Members.Select((m, i) => (Type: Render(isStruct ? HeldByReference(m) : m, type.Generic), Name: $"M{i}")).ToList();
        switch (type.Kind)
        {
            case TypeKind.PositionalRecord:
                text.AppendLine($"public sealed record {name}({string.Join(", ", members.Select(m => $"{m.Type} {m.Name}"))});");
                break;
            case TypeKind.RecordStruct:
                text.AppendLine($"public readonly record struct {name}({string.Join(", ", members.Select(m => $"{m.Type} {m.Name}"))});");
                break;
            default:
                text.AppendLine($"public {(type.Kind == TypeKind.Struct ? "struct" : "sealed class")} {name}").AppendLine("{");
                foreach (var member in members)
                {
                    text.AppendLine($"    public {member.Type} {member.Name} {{ get; set; }}");
                }

                text.AppendLine("}");
                break;
        }

        if (container is not null)
        {
            text.AppendLine("}");
        }
    }

    // Some names make the same generated name once sanitized, as real programs' names can: Fz_Pair and the nested
    // Fz.Pair, and FzCase and FZCASE (generated files are told apart ignoring case). Each type still needs its codec.
    private static (string? Container, string Name) TypeName(int index) => index switch
    {
        1 => (null, "Fz_Pair"),
        2 => ("Fz", "Pair"),
        3 => (null, "FzCase"),
        4 => (null, "FZCASE"),
        _ => (null, $"FzType{index}"),
    };

    private static string TypeReference(int index) => TypeName(index) is (string container, var name) ? container + "." + name : TypeName(index).Name;

    /// <summary>
    /// A struct holds the declared types through a list. A struct that contains itself with a growing type
    /// argument (<c>struct S&lt;T&gt; { S&lt;List&lt;T&gt;&gt; M; }</c>) overflows the stack of Roslyn 4.8's own struct
    /// layout check, with or without Amsha (later compilers report CS0523); the fuzz test looks for our bugs.
    /// </summary>
    private static TypeRef HeldByReference(TypeRef member) => member switch
    {
        Named or NullableOf { Inner: Named } => new ListOf(member),
        _ => member,
    };

    // Most references name something declared (taken modulo what there is), so that many programs compile and
    // the code generated for them is compiled too; the last index names something missing.
    private string TaskType(int index) => index < ProgramGenerators.MaxTasks && Tasks.Length > 0 ? $"typeof(FzTask{index % Tasks.Length})" : index % 2 == 0 ? "typeof(FzMissingTask)" : "typeof(string)";

    private string Render(TypeRef type, bool inGeneric = false) => type switch
    {
        Scalar scalar => scalar.Name,
        Parameter => inGeneric ? "T" : "object",
        Named named when named.Index >= ProgramGenerators.MaxTypes || Types.Length == 0 => "FzMissingType",
        Named named when Types[named.Index % Types.Length].Generic => $"{TypeReference(named.Index % Types.Length)}<{(named.Argument is null ? "string" : Render(named.Argument, inGeneric))}>",
        Named named => TypeReference(named.Index % Types.Length),
        ListOf list => $"List<{Render(list.Item, inGeneric)}>",
        ArrayOf array => $"{Render(array.Item, inGeneric)}[]",
        MapOf map => $"Dictionary<string, {Render(map.Value, inGeneric)}>",
        NullableOf { Inner: NullableOf inner } => Render(inner, inGeneric),
        NullableOf nullable => Render(nullable.Inner, inGeneric) + "?",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Deletes or inserts tokens, at positions taken modulo the token count, from the last position back.</summary>
    private string ApplyEdits(string source)
    {
        if (Edits.Length == 0)
        {
            return source;
        }

        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        var text = new StringBuilder(source);
        foreach (var edit in Edits.Select(e => (Edit: e, Token: tokens[e.Position % tokens.Count])).OrderByDescending(e => e.Token.SpanStart))
        {
            if (edit.Edit.Insert is null)
            {
                text.Remove(edit.Token.SpanStart, edit.Token.Span.Length);
            }
            else
            {
                text.Insert(edit.Token.SpanStart, edit.Edit.Insert + " ");
            }
        }

        return text.ToString();
    }
}

internal sealed record InputShape((string Name, TypeRef Type)[] Members);

internal enum TypeKind
{
    PositionalRecord,
    Class,
    Struct,
    RecordStruct,
}

internal sealed record TypeShape(TypeKind Kind, bool Generic, TypeRef[] Members);

internal sealed record AgentShape(Template Role, Template Goal, Template Backstory, string? Llm, int[] Tools);

/// <summary>A toolbox class; not always partial, sometimes with a <c>CreateAIFunctions()</c> of its own.</summary>
internal sealed record ToolboxShape(bool Partial, ToolShape[] Tools, bool DeclaresCreateAIFunctions);

/// <summary>A tool method: <see cref="Return"/> 0 void, 1 the result, 2 Task, 3 Task of the result, 4 ValueTask of it.</summary>
internal sealed record ToolShape(TypeRef[] Parameters, bool OptionalLast, bool Cancelable, TypeRef? Result, int Return, string? Name, Template Description);

/// <summary>A task; <see cref="Agent"/> -1 leaves the agent out, an index past the agents names a missing type.</summary>
internal sealed record TaskShape(TypeRef? Output, int Agent, Template Description, Template ExpectedOutput, int[] Context, int OutputRepairs);

internal sealed record CrewShape(bool Typed, int[] Tasks, bool Graph);

internal sealed record CallShape(TypeRef? Result, Template Prompt);

/// <summary>Deletes the token at <see cref="Position"/> or, when <see cref="Insert"/> is set, inserts that text before it.</summary>
internal sealed record TokenEdit(int Position, string? Insert);

/// <summary>Template text as pieces: words, placeholders, stray braces, escapes and long runs.</summary>
internal sealed record Template(string[] Pieces)
{
    public string Literal()
    {
        var text = new StringBuilder("\"");
        foreach (var piece in Pieces)
        {
            foreach (var c in piece)
            {
                text.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    _ => c.ToString(),
                });
            }
        }

        return text.Append('"').ToString();
    }
}

internal abstract record TypeRef;

internal sealed record Scalar(string Name) : TypeRef;

/// <summary>The type parameter <c>T</c> inside a generic type; <c>object</c> elsewhere.</summary>
internal sealed record Parameter : TypeRef;

/// <summary>One of the program's own types; generic ones take <see cref="Argument"/> (<c>string</c> when absent).</summary>
internal sealed record Named(int Index, TypeRef? Argument) : TypeRef;

internal sealed record ListOf(TypeRef Item) : TypeRef;

internal sealed record ArrayOf(TypeRef Item) : TypeRef;

internal sealed record MapOf(TypeRef Value) : TypeRef;

internal sealed record NullableOf(TypeRef Inner) : TypeRef;
