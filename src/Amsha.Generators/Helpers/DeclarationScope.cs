namespace Amsha.Generators.Helpers;

/// <summary>A type enclosing generated members, re-declared around them.</summary>
/// <param name="Keyword">class, struct, record, record struct or interface.</param>
/// <param name="Name">The name with type parameters, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>Where generated members go: a namespace (null for the global one) and the partial types around them, outermost first.</summary>
internal sealed record DeclarationScope(string? Namespace, EquatableArray<ContainingTypeModel> Types);
