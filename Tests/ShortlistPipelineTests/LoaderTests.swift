import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Testing

@Suite struct LoaderTests {
    @Test func recboleAtomicFiles() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "ml/ml.inter",
            "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t4\t881250949\n2\t10\t3\t881250950\n1\t20\t5\t881250951\n"
        )
        try folder.write(
            "ml/ml.item",
            "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n10\tToy Story\t1995\tAnimation Children's Comedy\n20\tHeat\t1995\tAction\n30\tUnrated\t1990\tDrama\n"
        )
        try folder.write(
            "ml/ml.user",
            "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n1\t24\tM\ttechnician\t85711\n2\t53\tF\tother\t94043\n"
        )
        let spec = DatasetSpec(
            format: .recbole, path: "\(folder.path)/ml", name: nil, fetch: nil, skipMalformed: false
        )
        let (dataset, _) = try loadComparingWithReference(spec)
        #expect(dataset.itemIDs == ["10", "20", "30"])
        #expect(
            dataset.items[0]
                == ItemFeatures(
                    title: "Toy Story", year: 1995, genres: ["Animation", "Children's", "Comedy"]))
        #expect(dataset.users[1] == UserFeatures(age: 53, gender: "F", occupation: "other"))
        #expect(dataset.interactionCount == 3)
        #expect(
            dataset.byUser.timestamps[dataset.byUser.range(of: 0)] == [881_250_949, 881_250_951])
        #expect(dataset.byItem.count(of: 2) == 0)
    }

    @Test func groupLensFilesInLatin1() throws {
        let folder = try TemporaryDirectory()
        try folder.write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n")
        try folder.write("u.genre", "unknown|0\nAction|1\nComedy|2\n")
        let item =
            Array("242|Caf".utf8) + [0xE9]
            + Array(
                (" Society (1996)|24-Jan-1997||http://x|0|1|1\n302|L.A. Confidential "
                    + "(1997)|01-Jan-1997||http://y|0|0|1\n").utf8)
        try Data(item).write(to: URL(fileURLWithPath: "\(folder.path)/u.item"))
        try folder.write("u.user", "196|49|M|writer|55105\n186|39|F|executive|00000\n")
        let spec = DatasetSpec(
            format: .grouplens, path: folder.path, name: nil, fetch: nil, skipMalformed: false)
        let (dataset, _) = try loadComparingWithReference(spec)
        #expect(
            dataset.items[0]
                == ItemFeatures(
                    title: "Café Society (1996)", year: 1997, genres: ["Action", "Comedy"]))
        #expect(dataset.items[0].displayTitle == "Café Society (1996) (1997)")
        #expect(dataset.users[0] == UserFeatures(age: 49, gender: "M", occupation: "writer"))
        #expect(dataset.user("186") == 1)
        #expect(dataset.byUser.ratings == [3, 3])
    }

    @Test func delimitedFilesWithMappedColumnsAndQuotes() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "ratings.csv", "userId,movieId,rating,timestamp\n1,11,4.5,100\n2,11,3,200\n2,12,5,300\n"
        )
        try folder.write(
            "movies.csv",
            "movieId,title,genres\n11,\"American President, The "
                + "(1995)\",Comedy|Drama|Romance\n12,\"Say \"\"Hi\"\" (2001)\",Comedy\n"
        )
        try folder.write("users.tsv", "id\tage\n1\t30\n")
        let spec = DatasetSpec(
            format: .delimited, path: folder.path, name: nil, fetch: nil, skipMalformed: false,
            interactions: TableSpec(
                file: "\(folder.path)/ratings.csv", delimiter: ",",
                columns: [
                    .user: "userId", .item: "movieId", .rating: "rating",
                    .timestamp: "timestamp",
                ], genreSeparator: "|"),
            items: TableSpec(
                file: "\(folder.path)/movies.csv", delimiter: ",",
                columns: [.item: "movieId", .title: "title", .genres: "genres"],
                genreSeparator: "|"),
            users: TableSpec(
                file: "\(folder.path)/users.tsv", delimiter: "\t",
                columns: [.user: "id", .age: "age"], genreSeparator: "|")
        )
        let (dataset, _) = try loadComparingWithReference(spec)
        #expect(
            dataset.items[0]
                == ItemFeatures(
                    title: "American President, The (1995)", year: 1995,
                    genres: ["Comedy", "Drama", "Romance"]))
        #expect(dataset.items[1].title == "Say \"Hi\" (2001)")
        #expect(dataset.users[0].age == 30)
        #expect(dataset.byUser.ratings == [4.5, 3, 5])
        #expect(dataset.hasTimestamps)
    }

    /// Files written with Windows line ends (Python's csv module does so by default).
    @Test func windowsLineEndsReadLikeUnixOnes() throws {
        let folder = try TemporaryDirectory()
        try folder.write("ratings.csv", "u,i,r\r\n1,a,4\r\n2,b,x\r\n")
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: "\(folder.path)/ratings.csv", delimiter: ",",
                columns: [.user: "u", .item: "i", .rating: "r"]))
        #expect(
            throws: DataError(
                .malformedRow, "rating 'x' is not a number", file: "\(folder.path)/ratings.csv",
                line: 3)
        ) {
            try loadComparingWithReference(spec)
        }
        try folder.write("ratings.csv", "u,i,r\r\n1,a,4\r\n2,b,5\r\n")
        let (dataset, _) = try loadComparingWithReference(spec)
        #expect(dataset.itemIDs == ["a", "b"] && dataset.byUser.ratings == [4, 5])
    }

    func ratingsSpec(
        _ folder: TemporaryDirectory, skip: Bool,
        columns: [ColumnRole: String] = [.user: "u", .item: "i", .rating: "r"]
    ) -> DatasetSpec {
        DatasetSpec(
            format: .delimited, path: folder.path, name: nil, fetch: nil, skipMalformed: skip,
            interactions: TableSpec(
                file: "\(folder.path)/r.tsv", delimiter: "\t", columns: columns, genreSeparator: "|"
            )
        )
    }

    @Test func malformedRowNamesFileAndLine() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.tsv", "u\ti\tr\na\tx\t4\nb\tx\tfour\nc\n")
        #expect(
            throws: DataError(
                .malformedRow, "rating 'four' is not a number", file: "\(folder.path)/r.tsv",
                line: 3)
        ) {
            try loadComparingWithReference(ratingsSpec(folder, skip: false))
        }
        let (dataset, report) = try loadComparingWithReference(ratingsSpec(folder, skip: true))
        #expect(dataset.interactionCount == 1)
        #expect(report.skippedRows == ["\(folder.path)/r.tsv": 2])
    }

    @Test func missingColumnAndMissingFile() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.tsv", "user\titem\n1\t2\n")
        #expect(
            throws: DataError(
                .missingColumn,
                "no column 'u' (for user) in the header; the columns are user, item",
                file: "\(folder.path)/r.tsv", line: 1)
        ) {
            try loadComparingWithReference(
                ratingsSpec(folder, skip: false, columns: [.user: "u", .item: "item"]))
        }
        let missing = DatasetSpec(
            format: .recbole, path: "\(folder.path)/nowhere", name: nil, fetch: nil,
            skipMalformed: false)
        #expect(
            throws: DataError(
                .missingFile, "the folder does not exist", file: "\(folder.path)/nowhere")
        ) {
            try loadComparingWithReference(missing)
        }
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/nowhere", withIntermediateDirectories: true)
        #expect(
            throws: DataError(
                .missingFile, "no RecBole interactions file 'nowhere.inter' in the folder",
                file: "\(folder.path)/nowhere")
        ) {
            try loadComparingWithReference(missing)
        }
    }
}

/// The MovieLens layouts GroupLens publishes besides ML-100K, read with `format: grouplens`.
@Suite struct MovieLensFormatTests {
    func load(_ folder: TemporaryDirectory) throws -> Dataset {
        try DatasetLoader.load(DatasetSpec(format: .grouplens, path: folder.path)).0
    }

    @Test func movieLens1MFilesWithDoubleColonsInLatin1() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n")
        let movies =
            Array("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n".utf8)
            + Array("661::Caf".utf8) + [0xE9]
            + Array(" (1996)::Animation|Children's|Musical\n".utf8)
        try Data(movies).write(to: URL(fileURLWithPath: "\(folder.path)/movies.dat"))
        try folder.write("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n")
        let dataset = try load(folder)
        #expect(dataset.itemIDs == ["1193", "661"] && dataset.userIDs == ["1", "2"])
        #expect(
            dataset.items[1]
                == ItemFeatures(
                    title: "Café (1996)", year: 1996,
                    genres: ["Animation", "Children's", "Musical"]))
        #expect(dataset.users[0] == UserFeatures(age: 1, gender: "F", occupation: "K-12 student"))
        #expect(dataset.users[1].occupation == "self-employed")
        #expect(dataset.byUser.ratings[dataset.byUser.range(of: 0)] == [5, 3])
        #expect(
            dataset.byUser.timestamps[dataset.byUser.range(of: 0)] == [978_300_760, 978_302_109])
    }

    @Test func movieLens10MFilesWithHalfStarsInUTF8() throws {
        let folder = try TemporaryDirectory()
        try folder.write("ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n")
        try folder.write(
            "movies.dat",
            "122::Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)::Comedy|Romance\n")
        let dataset = try load(folder)
        #expect(dataset.items[0].title == "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)")
        #expect(dataset.items[0].year == 2001 && dataset.items[0].genres == ["Comedy", "Romance"])
        #expect(dataset.byUser.ratings == [4.5, 5])
        #expect(dataset.items[1].title == "185")
    }

    @Test func movieLens25MCSVFiles() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "ratings.csv",
            "userId,movieId,rating,timestamp\n1,296,5.0,1147880044\n1,307,5.0,1147868828\n"
                + "2,296,3.5,1141415820\n")
        try folder.write(
            "movies.csv",
            "movieId,title,genres\n296,Pulp Fiction (1994),Comedy|Crime|Drama|Thriller\n"
                + "307,\"Three Colors: Blue (Trois couleurs: Bleu), 1993 (1993)\",(no genres listed)\n"
        )
        let dataset = try load(folder)
        #expect(
            dataset.items[0]
                == ItemFeatures(
                    title: "Pulp Fiction (1994)", year: 1994,
                    genres: ["Comedy", "Crime", "Drama", "Thriller"]))
        #expect(
            dataset.items[1]
                == ItemFeatures(
                    title: "Three Colors: Blue (Trois couleurs: Bleu), 1993 (1993)", year: 1993))
        #expect(dataset.byItem.ratings[dataset.byItem.range(of: 0)] == [3.5, 5])
        #expect(dataset.hasTimestamps && dataset.hasRatings)
    }

    @Test func aMalformedRowOrAFolderWithoutRatingsIsNamed() throws {
        let folder = try TemporaryDirectory()
        try folder.write("ratings.dat", "1::122::5::838985046\n1::185\n")
        #expect(
            throws: DataError(
                .malformedRow, "expected 4 fields, found 2", file: "\(folder.path)/ratings.dat",
                line: 2)
        ) { try load(folder) }
        let empty = try TemporaryDirectory()
        #expect(
            throws: DataError(
                .missingFile,
                "no GroupLens ratings file in the folder: expected 'u.data' (ML-100K), "
                    + "'ratings.dat' (ML-1M, ML-10M) or 'ratings.csv' (ML-20M, ML-25M)",
                file: empty.path)
        ) { try load(empty) }
    }
}

extension MovieLensFormatTests {
    @Test func aGroupLensPathThatIsNotAFolderIsNamed() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("ratings.dat", "1::1::5::978300760\n")
        #expect(
            throws: DataError(
                .missingFile, "the folder does not exist", file: "\(folder.path)/nowhere")
        ) {
            try DatasetLoader.load(DatasetSpec(format: .grouplens, path: "\(folder.path)/nowhere"))
        }
        #expect(
            throws: DataError(
                .missingFile, "is a file; a GroupLens dataset is a folder", file: file)
        ) { try DatasetLoader.load(DatasetSpec(format: .grouplens, path: file)) }
    }
}
