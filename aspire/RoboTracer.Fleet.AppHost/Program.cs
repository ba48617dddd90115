Console.WriteLine("apphost: not yet built");
