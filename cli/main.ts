console.log('hive: not implemented yet')
