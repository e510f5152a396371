using System;

namespace Amsha;

/// <summary>
/// A definition from an <see cref="IDefinitionSource"/> is invalid: malformed text, an unknown name, a placeholder
/// the crew's input cannot fill, a change a compiled crew cannot take. The definitions in force before stay in force.
/// </summary>
public sealed class DefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do; <paramref name="origin"/> is prefixed when given.</param>
    /// <param name="origin">Where the mistake is written.</param>
    /// <param name="innerException">The underlying failure.</param>
    public DefinitionException(string message, DefinitionOrigin? origin = null, Exception? innerException = null)
        : base(origin is null ? message : origin + ": " + message, innerException)
    {
        Origin = origin;
    }

    /// <summary>Where the mistake is written; null when it is not one place.</summary>
    public DefinitionOrigin? Origin { get; }
}
