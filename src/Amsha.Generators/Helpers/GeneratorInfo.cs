namespace Amsha.Generators.Helpers;

/// <summary>Facts about the generator written into generated code.</summary>
internal static class GeneratorInfo
{
    public const string Name = "Amsha.Generators";

    public static readonly string Version = typeof(GeneratorInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    public static string GeneratedCodeAttribute => $"[global::System.CodeDom.Compiler.GeneratedCode(\"{Name}\", \"{Version}\")]";
}
