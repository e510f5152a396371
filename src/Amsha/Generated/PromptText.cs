using System;
using System.ComponentModel;
using System.Globalization;

namespace Amsha.Generated;

/// <summary>Formats values bound to <c>{Placeholders}</c>; called by generated prompt builders.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PromptText
{
    /// <summary>The value as culture-invariant text; empty for null.</summary>
    public static string Format<T>(T value) => value switch
    {
        null => "",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
