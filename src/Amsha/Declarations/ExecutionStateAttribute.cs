using System;

namespace Amsha;

/// <summary>
/// Marks a type stored in an <c>ExecutionState</c> or exchanged as a task output: the
/// generator emits a compile-time JSON serializer and schema for it. Apply it to a <c>partial</c> type.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class ExecutionStateAttribute : Attribute
{
}
