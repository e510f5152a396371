global using Amsha.Generated;
global using Xunit;
