-- Where the server wrote its process id (absolute, or relative to its data directory).
SELECT @@pid_file
