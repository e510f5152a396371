using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;

namespace Amsha.Generators.Tools;

/// <summary>How a tool method returns its result, which decides how the generated tool awaits and writes it.</summary>
internal enum ToolReturnKind
{
    /// <summary><c>void</c>: the model is told the tool is done.</summary>
    Void,

    /// <summary>A value returned directly.</summary>
    Value,

    /// <summary><c>Task</c> or <c>ValueTask</c>.</summary>
    Awaitable,

    /// <summary><c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    AwaitableValue,
}

/// <summary>A toolbox class and its tools; plain values only.</summary>
/// <param name="Scope">Where the class is declared (for <c>CreateAIFunctions()</c>).</param>
/// <param name="Name">The class name.</param>
/// <param name="TypeName">The fully qualified class name.</param>
/// <param name="DefinitionClass">The generated <c>ToolboxDefinition</c> class in <c>Amsha.Generated</c>.</param>
/// <param name="HintName">The generated file.</param>
/// <param name="HasDefaultConstructor">Whether generated code can create it with <c>new()</c>.</param>
/// <param name="Tools">Its tools, in declaration order.</param>
/// <param name="EmitsCreateAIFunctions">False when the class declares a member <c>CreateAIFunctions()</c> would clash with (AMSHA016).</param>
/// <param name="HidesInheritedCreateAIFunctions">True when a base type has one, so the generated method is declared <c>new</c>.</param>
internal sealed record ToolboxModel(
    DeclarationScope Scope,
    string Name,
    string TypeName,
    string DefinitionClass,
    string HintName,
    bool HasDefaultConstructor,
    EquatableArray<ToolModel> Tools,
    bool EmitsCreateAIFunctions = true,
    bool HidesInheritedCreateAIFunctions = false);

/// <summary>One tool.</summary>
/// <param name="Name">The name the model calls it by.</param>
/// <param name="Description">What it does.</param>
/// <param name="MethodName">The C# method.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Arguments">What the call passes, in parameter order: an argument property of the arguments class, or <c>cancellationToken</c>.</param>
/// <param name="Return">How it returns.</param>
/// <param name="ResultTypeName">The result's fully qualified type, when there is one.</param>
/// <param name="Identifier">The tool's name made into an identifier, unique in its toolbox: names its generated classes.</param>
/// <param name="ArgumentsClass">The generated class holding the arguments.</param>
/// <param name="ArgumentsCodec">The codec model of the arguments object (its schema is the tool's).</param>
/// <param name="Idempotent">Whether the tool is declared idempotent (not journaled).</param>
/// <remarks><see cref="RequiresApproval"/>: whether a person approves each call before it runs.</remarks>
internal sealed record ToolModel(
    string Name,
    string Description,
    string MethodName,
    bool IsStatic,
    EquatableArray<string> Arguments,
    ToolReturnKind Return,
    string? ResultTypeName,
    string Identifier,
    string ArgumentsClass,
    SerializableTypeModel ArgumentsCodec,
    bool Idempotent)
{
    /// <summary>Whether a person approves each call before it runs (<c>[Tool(RequiresApproval = true)]</c>).</summary>
    public bool RequiresApproval { get; init; }
}
