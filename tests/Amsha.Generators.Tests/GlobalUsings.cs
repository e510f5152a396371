global using Amsha;
global using Amsha.TestKit;
global using Xunit;
global using Amsha.Generated;
global using Amsha.Serialization;
