namespace Amsha.Generators.Helpers;

/// <summary>Names of the tracked pipeline steps; tests assert these stay cached across unrelated edits.</summary>
internal static class TrackingNames
{
    public const string CrewModels = nameof(CrewModels);
    public const string GenericCrewModels = nameof(GenericCrewModels);
    public const string CrewRegistrations = nameof(CrewRegistrations);
    public const string HasDependencyInjection = nameof(HasDependencyInjection);
    public const string TaskOutputTypes = nameof(TaskOutputTypes);
    public const string ExecutionStateTypes = nameof(ExecutionStateTypes);
    public const string CrewInputTypes = nameof(CrewInputTypes);
    public const string LlmCallResultTypes = nameof(LlmCallResultTypes);
    public const string AllSerializableTypes = nameof(AllSerializableTypes);
    public const string SerializableTypes = nameof(SerializableTypes);
    public const string CodecRegistrations = nameof(CodecRegistrations);
    public const string LlmCallModels = nameof(LlmCallModels);
    public const string ToolTypes = nameof(ToolTypes);
    public const string ToolboxModels = nameof(ToolboxModels);
    public const string ToolboxRegistrations = nameof(ToolboxRegistrations);

    // Definition files (YAML crews): each file read on its own, then the set merged, the compilation facts it needs, bound.
    public const string DefinitionDocuments = nameof(DefinitionDocuments);
    public const string DefinitionCatalog = nameof(DefinitionCatalog);
    public const string DefinitionOptions = nameof(DefinitionOptions);
    public const string DefinitionTypeFacts = nameof(DefinitionTypeFacts);
    public const string DefinitionCrewModels = nameof(DefinitionCrewModels);
    public const string DefinitionSerializableTypes = nameof(DefinitionSerializableTypes);
}
