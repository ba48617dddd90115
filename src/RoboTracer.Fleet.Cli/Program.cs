Console.WriteLine("fleet: not yet built");
