using System;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>
/// One <typeparamref name="T"/> per <see cref="Compilation"/>, created when first asked for and kept as long as the
/// compilation lives (weakly: it goes with it). Every transform of one generator run sees the same compilation,
/// so facts that many declarations need (the serializable types, a type's session member) are computed once
/// per run instead of once per declaration. Values must be safe to share between threads: analyzers run
/// concurrently.
/// </summary>
internal static class PerCompilation<T>
    where T : class
{
    private static readonly ConditionalWeakTable<Compilation, T> s_values = new();

    public static T Get(Compilation compilation, Func<Compilation, T> create) =>
        s_values.GetValue(compilation, c => create(c));
}
