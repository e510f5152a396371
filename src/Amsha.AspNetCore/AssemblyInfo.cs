using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Amsha.AspNetCore.Tests")]
