"""Hand-written descriptions, Toyota Smarthome trimmed (31 cross-subject classes; daily living, often seen from afar)."""

SOURCE = r"""
@ Cook.Cleandishes
syn: wash dishes | washing up | clean dishes at the sink
head: bends down toward the hands in the sink
hands: one hand holds a plate or cup while the other scrubs it with a sponge under running water
arms: the forearms stay low in front of the waist, making small circular scrubbing strokes
hips: lean slightly forward against the counter
legs: stand still for a long time
feet: stay planted facing the sink
vis: a plate, cup or pan is held in one hand while a sponge rubs it
vis: the hands are wet and move under a tap
vis: the person stands bent slightly over a sink at waist height
vis: washed items are set aside one by one

@ Cook.Cleanup
syn: tidy the kitchen | wipe the counter | clean up after cooking
head: looks down at the counter, turning from place to place
hands: one hand pushes a cloth across a counter or gathers utensils and packages
arms: sweep across the counter in wide strokes and reach to put things away
hips: turn between counter and cupboard
legs: take a few steps between places
feet: shuffle and pivot
vis: a cloth is wiped across a flat surface at waist height
vis: utensils and packages are picked up and put away
vis: the person moves between several spots rather than staying in one place
vis: the hands carry items to a cupboard or bin

@ Cook.Cut
syn: cut food | chop vegetables | slice with a knife
head: bends down over the cutting board
hands: one hand grips a knife handle while the other holds the food steady on the board
arms: the knife forearm moves up and down or back and forth in short strokes
hips: lean slightly forward over the counter
legs: stand still
feet: stay planted
vis: a knife is held in one hand with its blade on the food
vis: the other hand's fingers hold vegetables on a cutting board
vis: short repeated downward cuts at waist height
vis: the person stands still at the counter looking down

@ Cook.Stir
syn: stir a pot | stirring food | mix with a spoon
head: looks down into the pot
hands: one hand grips a spoon or spatula in the pot; the other may hold the pot handle
arms: the forearm makes steady circles from the elbow
hips: stay still facing the stove
legs: stand still
feet: stay planted
vis: a spoon or spatula moves in circles inside a pot or pan
vis: the other hand holds the pot handle
vis: the stirring arm circles at waist height
vis: the person stands facing the stove for a while

@ Cook.Usestove
syn: use the stove | turn on the hob | operate the cooker
head: looks down at the knobs or the pot
hands: one hand turns a stove knob or places a pot on the burner
arms: one arm reaches forward to the stove and withdraws
hips: lean slightly toward the stove
legs: stand still
feet: stay planted facing the stove
vis: the fingers grip and twist a stove knob
vis: a pot or pan is placed on or moved on the burner
vis: short reaches toward the stove at waist height
vis: the person stands facing the stove

@ Cutbread
syn: cut bread | slice bread | slicing a loaf
head: looks down at the bread
hands: one hand saws a bread knife through a loaf while the other hand presses the loaf down
arms: the knife arm moves back and forth in long horizontal sawing strokes
hips: lean slightly forward over the table
legs: stand still
feet: stay planted
vis: a long knife saws through a loaf of bread
vis: the other hand holds the loaf on a board
vis: long horizontal back-and-forth strokes, unlike short chopping
vis: slices fall away from the loaf

@ Drink.Frombottle
syn: drink from a bottle | swig from a bottle | bottle drinking
head: tilts far back as the bottle tips up
hands: one hand grips a bottle around its neck or body and tips it up to the lips
arms: the arm lifts the bottle steeply, the elbow raised high
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a tall narrow bottle is held with its mouth at the lips
vis: the bottle is tipped steeply upward, its bottom higher than the mouth
vis: the head tips back more than with a cup
vis: the cap may be unscrewed before drinking

@ Drink.Fromcan
syn: drink from a can | sip a soda can | canned drink
head: tilts back moderately
hands: the fingers wrap around a short metal can and tip it at the lips
arms: the elbow bends and lifts the can to the mouth
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a short cylindrical can is held with the whole hand around it
vis: the rim of the can touches the lips while it tilts up
vis: the ring tab may be pulled before the first sip
vis: the can is smaller than a bottle and has no neck

@ Drink.Fromcup
syn: drink from a cup | sip from a mug | drink coffee or tea
head: dips slightly toward the cup and tilts back a little
hands: one hand holds a mug by its handle, sometimes with the other hand under it, and tips it gently
arms: the elbow bends and lifts the cup to the mouth with small careful movements
hips: stay still, often seated
legs: stay still
feet: stay planted
vis: a mug with a handle is held by the fingers through the handle
vis: the cup is tipped only slightly, as for a hot drink
vis: the cup may be lowered to a saucer or table between sips
vis: the person often sits while drinking

@ Drink.Fromglass
syn: drink from a glass | sip a glass of water | glass drinking
head: tilts back slowly while drinking
hands: the fingers wrap around a clear glass with no handle and tip it
arms: the elbow bends and lifts the glass to the lips
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a glass without a handle is held by its sides
vis: the glass rim is at the lips and the glass tilts up gradually
vis: the grip is around the glass body, not through a handle
vis: the glass is often set down on a table afterward

@ Eat.Attable
syn: eat at the table | have a meal | dine with cutlery
head: bends toward the plate and lifts with each bite, chewing
hands: hold a fork, spoon or knife and move food from the plate to the mouth
arms: the forearms move repeatedly between the plate on the table and the mouth
hips: stay seated
legs: stay bent under the table
feet: rest on the floor
vis: the person sits at a table with a plate in front
vis: a fork or spoon carries food from the plate to the mouth
vis: both hands may use cutlery together to cut food
vis: the elbows are near the table edge

@ Eat.Snack
syn: eat a snack | snacking | nibble finger food
head: tips slightly toward the hand, chewing
hands: the fingers pick small pieces from a bag, bowl or packet and bring them to the mouth
arms: one forearm makes short trips between the snack container and the mouth
hips: stay still, often seated on a sofa
legs: stay still
feet: stay planted
vis: a packet or bowl of snacks is held in one hand or on the lap
vis: the fingers pinch small pieces of food
vis: no cutlery is used and there is no plate at a table
vis: short frequent hand-to-mouth movements

@ Enter
syn: enter a room | come in | walk in through the door
head: faces into the room
hands: one hand pushes or pulls a door handle, then swings free
arms: reach to the door, then swing while walking
hips: move forward through the doorway
legs: step through the doorway
feet: step forward into the room
vis: the person appears in the doorway and walks inward
vis: a hand is on the door handle while it opens
vis: the person moves toward the camera or into view
vis: the door may be closed behind

@ Getup
syn: get up | stand up from a chair or sofa | rise from sitting
head: leans forward, then rises
hands: push on the armrests, the seat or the knees
arms: press down, then hang at the sides
hips: lift off the seat forward and up
legs: straighten from bent to straight
feet: press into the floor
vis: the person starts seated and ends standing
vis: the hands push on the armrests or knees
vis: the trunk leans forward as the hips rise
vis: the final posture is upright

@ Laydown
syn: lie down | lay down on a sofa or bed | recline
head: lowers toward the cushion or pillow
hands: press on the sofa or bed to support the body while lowering
arms: brace on the seat, then relax along the body
hips: lower and turn onto the surface
legs: lift up and stretch out along the sofa or bed
feet: leave the floor and rest on the surface
vis: the body goes from sitting to horizontal on a sofa or bed
vis: one arm braces on the cushion during the descent
vis: the legs swing up onto the surface
vis: the head ends resting on a pillow or armrest

@ Leave
syn: leave the room | go out | walk out through the door
head: faces the doorway, away from the room
hands: one hand reaches for a door handle
arms: swing while walking, then reach to the door
hips: move toward the doorway
legs: step away toward the exit
feet: step out of the room
vis: the person walks toward a door with the back to the room
vis: a hand grips the door handle to open it
vis: the person moves out of view
vis: the direction is out of the room, opposite to entering

@ Makecoffee.Pourgrains
syn: put coffee in the machine | spoon ground coffee | scoop coffee grounds
head: looks down at the coffee maker
hands: one hand holds a coffee jar or bag while the other scoops grounds with a spoon into the filter
arms: short movements between the jar and the coffee machine at waist height
hips: stay still facing the counter
legs: stand still
feet: stay planted
vis: a spoon carries ground coffee from a jar into a filter
vis: the jar or bag is held tilted in the other hand
vis: small careful repeated scoops
vis: the person stands at the counter beside the coffee machine

@ Makecoffee.Pourwater
syn: pour water into the coffee machine | fill the coffee maker | add water for coffee
head: looks down at the water tank
hands: one hand holds a jug or carafe tilted over the coffee machine's tank
arms: one arm lifts the jug and tips it, holding it steady while the water flows
hips: stay still
legs: stand still
feet: stay planted
vis: a jug or carafe is tilted over the top of a coffee machine
vis: the other hand may hold the lid of the tank open
vis: the pouring hand stays in one tilted position for a few seconds
vis: the person stands at the counter

@ Maketea.Boilwater
syn: boil water | use the kettle | heat water for tea
head: looks at the kettle
hands: fill a kettle at the tap, place it on its base and press the switch
arms: carry the kettle between the tap and its base and reach to the switch
hips: turn between sink and counter
legs: take a step or two
feet: pivot at the counter
vis: a kettle is held by its handle and set on its base
vis: a finger presses the kettle's switch
vis: the kettle may be filled under a tap first
vis: the person waits standing by the counter

@ Maketea.Insertteabag
syn: put a teabag in a cup | prepare tea | drop a tea bag into a mug
head: looks down at the cup
hands: the fingers pinch a teabag by its string or tag and lower it into a cup
arms: one forearm moves from the tea box to above the cup and lowers
hips: stay still
legs: stand still
feet: stay planted
vis: a small teabag dangles from the fingers by its string
vis: the teabag is lowered into a mug on the counter
vis: a tea box is opened first
vis: delicate pinching movements at waist height

@ Pour.Frombottle
syn: pour from a bottle | fill a glass from a bottle | pour a drink
head: looks down at the glass
hands: one hand tilts a bottle over a glass held or standing on the table
arms: one arm lifts the bottle and tips it, holding it steady while pouring
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a bottle is tilted with its neck over a glass
vis: the bottle mouth is above a glass, not at the lips
vis: the pouring hand holds still for a few seconds
vis: the other hand may hold the glass steady

@ Pour.Fromcan
syn: pour from a can | empty a can into a glass | pour canned drink
head: looks down at the glass
hands: one hand tilts a short can over a glass
arms: one arm lifts the can and tips it steadily
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a can is tilted above a glass
vis: the can's opening is over the glass, not at the mouth
vis: the grip is around the whole can
vis: the other hand may hold the glass

@ Pour.Fromkettle
syn: pour from a kettle | pour hot water | fill a cup from a kettle
head: looks down at the cup
hands: one hand grips the kettle's handle and tips its spout over a cup
arms: one arm lifts the kettle and tilts it forward slowly
hips: stay still
legs: stand still
feet: stay planted
vis: a kettle is held by its handle with the spout over a cup
vis: the kettle tilts forward while hot water flows
vis: the pour is slow and careful
vis: the cup stands on the counter below the spout

@ Readbook
syn: read a book | reading | look through a book
head: bends down toward the pages
hands: hold an open book at its edges and turn pages
arms: the elbows bend, holding the book steady in front of the chest or on the lap
hips: stay still, often seated
legs: stay still
feet: stay planted
vis: an open book is held with both hands
vis: a hand turns a page from time to time
vis: the gaze is fixed on the pages
vis: the person sits still for a long time

@ Sitdown
syn: sit down | take a seat | sit on a chair or sofa
head: moves forward and down, then settles
hands: reach back to the armrest or seat
arms: brace, then relax
hips: move back and down onto the seat
legs: bend at the knees
feet: stay planted in front of the seat
vis: the person lowers from standing onto a chair or sofa
vis: a hand touches the armrest or seat while lowering
vis: the end posture is seated
vis: the knees are bent with the feet on the floor

@ Takepills
syn: take medicine | swallow pills | take a tablet
head: tilts back quickly to swallow
hands: one hand shakes a pill from a box or bottle into the palm and brings it to the mouth; the other hand then lifts a glass
arms: short lifts of one forearm to the mouth, followed by a drinking movement
hips: stay still
legs: stand or sit still
feet: stay planted
vis: a small pill box or blister pack is opened with the fingers
vis: a tiny pill is tipped from the palm into the mouth
vis: a glass of water follows the pill to the lips
vis: careful small hand movements before the drink

@ Uselaptop
syn: use a laptop | work on a laptop | type on a laptop
head: faces down toward the laptop screen
hands: the fingers type on the laptop keyboard or move on the touchpad
arms: the forearms rest still in front, elbows bent
hips: stay seated
legs: stay bent under the table or with the laptop on the lap
feet: rest on the floor
vis: an open laptop sits on a table or on the lap
vis: both hands rest over its keyboard, fingers tapping
vis: the arms hardly move for a long time
vis: the person sits facing the laptop screen

@ Usetablet
syn: use a tablet | swipe on a tablet | read on a tablet
head: bends down toward the tablet
hands: one hand holds a flat tablet while a finger of the other taps and swipes its screen
arms: the forearms hold the tablet at chest height or rest it on the lap
hips: stay still, often seated
legs: stay still
feet: stay planted
vis: a flat tablet larger than a phone is held in the hands
vis: a finger swipes across the screen
vis: the gaze is directed down at the screen
vis: the person sits still with the tablet on the lap or held up

@ Usetelephone
syn: use the telephone | talk on the phone | make a phone call
head: tilts slightly toward the phone at the ear
hands: one hand holds a phone or handset against the ear; at times the thumb taps the screen first
arms: one elbow bends and raises the hand to the side of the head, staying there
hips: stay still or move slowly while talking
legs: stand, sit or walk slowly
feet: stay planted or pace
vis: a phone is held against the ear
vis: the elbow is raised and bent beside the head
vis: the other hand is free, sometimes gesturing
vis: the hand stays at the ear for a long time

@ Walk
syn: walking | walk across the room | move from one place to another
head: faces the direction of travel
hands: swing loosely
arms: swing alternately with the opposite leg
hips: move forward with each step
legs: step alternately
feet: heel strike and push off in turn
vis: the person travels across the floor
vis: the arms swing at the sides
vis: the hands are empty
vis: the trunk stays upright

@ WatchTV
syn: watch TV | watching television | sit in front of the TV
head: faces forward at the screen, still for a long time
hands: rest on the lap or hold a remote control
arms: rest on the armrests or the lap
hips: stay seated, leaning back
legs: stay still, sometimes crossed
feet: rest on the floor
vis: the person sits back on a sofa facing a screen
vis: a remote control may be held and pointed
vis: the body stays almost motionless for a long time
vis: the gaze is fixed forward, not down at the lap
"""
