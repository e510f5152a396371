using System;

namespace Amsha;

/// <summary>
/// Declares a toolbox: a <c>partial</c> class whose <see cref="ToolAttribute"/> methods agents may call.
/// Agents and tasks name it in <c>Tools = [typeof(WebTools)]</c>.
/// </summary>
/// <remarks>
/// An execution gets the toolbox instance from the app's service container (the generated
/// <c>AddAmshaCrews()</c> registers every toolbox as a transient service, so its constructor is injected),
/// else from <see cref="ExecutionSession.AddToolbox{TToolbox}(TToolbox)"/>, else from its parameterless constructor.
/// The generator emits, per tool, an <c>AIFunction</c> with a JSON Schema built at compile time;
/// <c>CreateAIFunctions()</c> on an instance returns them for use outside crews.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ToolboxAttribute : Attribute
{
}
