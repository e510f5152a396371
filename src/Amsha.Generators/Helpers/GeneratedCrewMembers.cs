using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>A member a user declared on a crew class: its name (the class name for constructors) and, for methods, its parameter types.</summary>
/// <param name="ParameterTypes">Fully qualified parameter types of a method or constructor; null for fields, properties and other members.</param>
internal sealed record DeclaredMember(string Name, EquatableArray<string>? ParameterTypes);

/// <summary>
/// The members the crew emitter adds to a crew class, and whether one the user declared collides with them (CS0111):
/// the same name for fields, properties and prompt builders, the same name and parameter types for the constructor
/// and the execution methods. Crews declared with attributes and crews read from definition files are checked alike.
/// </summary>
internal sealed class GeneratedCrewMembers
{
    private const string Options = "global::Amsha.ExecutionOptions";
    private const string Token = "global::System.Threading.CancellationToken";

    private readonly List<(string Name, string[] Parameters)> _signatures;
    private readonly HashSet<string> _reservedNames;

    /// <param name="crewName">The class name (the generated constructor's name).</param>
    /// <param name="inputType">The fully qualified input type without nullable annotation; null for crews without input.</param>
    /// <param name="promptMethodNames">The generated prompt builders' names.</param>
    public GeneratedCrewMembers(string crewName, string? inputType, IEnumerable<string> promptMethodNames)
    {
        var input = inputType is null ? new string[0] : new[] { inputType };
        _signatures = new List<(string Name, string[] Parameters)>
        {
            (crewName, new[] { "global::Amsha.ExecutionSession" }),
            ("RunAsync", input.Concat(new[] { Token }).ToArray()),
            ("RunAsync", input.Concat(new[] { Options, Token }).ToArray()),
            ("Start", input.Concat(new[] { Token }).ToArray()),
            ("Start", input.Concat(new[] { Options, Token }).ToArray()),
            ("StartBackground", input),
            ("StartBackground", input.Concat(new[] { Options }).ToArray()),
            ("StartBackgroundAsync", input.Concat(new[] { Token }).ToArray()),
            ("StartBackgroundAsync", input.Concat(new[] { Options, Token }).ToArray()),
            ("Resume", new[] { "string", Options }),
            ("ResumeAsync", new[] { "string", Options, Token }),
        };
        _reservedNames = new HashSet<string>(promptMethodNames) { "Definition", "__amshaSession", "__AmshaRegisterDefinition" };
    }

    /// <summary>True when a declared member of this name (and, for methods, these parameter types) collides with a generated one.</summary>
    public bool Conflicts(string name, IReadOnlyList<string>? parameterTypes) =>
        _reservedNames.Contains(name)
        || (parameterTypes is not null && _signatures.Any(s => s.Name == name && parameterTypes.SequenceEqual(s.Parameters)));

    /// <summary>The members <paramref name="crew"/> itself declares in source, paired with their symbols, constructors named after the class.</summary>
    /// <param name="isUserTree">Which files count (null: all); members declared only in other files are left out.</param>
    public static IEnumerable<(ISymbol Symbol, DeclaredMember Member)> DeclaredBy(INamedTypeSymbol crew, CancellationToken cancellationToken, System.Func<SyntaxTree, bool>? isUserTree = null)
    {
        foreach (var member in crew.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.Length == 0
                || (isUserTree is not null && !member.DeclaringSyntaxReferences.Any(r => isUserTree(r.SyntaxTree))))
            {
                continue;
            }

            var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? crew.Name : member.Name;
            var parameters = member is IMethodSymbol method ? method.Parameters.Select(p => TypeName(p.Type)).ToEquatableArray() : (EquatableArray<string>?)null;
            yield return (member, new DeclaredMember(name, parameters));
        }
    }

    /// <summary>A type as the signatures above spell it: fully qualified, without nullable annotation.</summary>
    public static string TypeName(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
