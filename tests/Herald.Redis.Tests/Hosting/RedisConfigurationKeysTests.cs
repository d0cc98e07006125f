using System.Reflection;
using Herald.Hosting;

namespace Herald.Redis.Tests.Hosting;

/// <summary>Herald's unknown-key check knows Herald:Redis from a table of names; they must be HeraldRedisOptions' settable properties.</summary>
public sealed class RedisConfigurationKeysTests
{
    [Fact]
    public void KeyTable_RedisSection_IsEveryBindablePropertyOfTheRedisOptions()
    {
        var fromClass = typeof(HeraldRedisOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod?.IsPublic == true)
            .Select(property => property.Name)
            .Order(StringComparer.Ordinal);
        var fromTable = HeraldConfigurationKeys.Herald.Keys[HeraldConfigurationKeys.RedisSection].Keys.Keys.Order(StringComparer.Ordinal);

        Assert.Equal(fromClass, fromTable);
        Assert.Equal($"{HeraldOptions.SectionName}:{HeraldConfigurationKeys.RedisSection}", HeraldRedisOptions.SectionName);
    }
}
